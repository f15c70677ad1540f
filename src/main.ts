// The strata command: every verb, `serve` included, dispatched by cli/main.ts. Output is written in order and
// the process exits only once stdout has taken all of it (a pipe to a slow reader gets every byte), with a
// failing exit code when it could not.
import process from "node:process";
import type { Io } from "./cli/command.ts";
import { EXIT } from "./cli/exit.ts";
import { COMMANDS, runCli } from "./cli/main.ts";
import { serveCommand } from "./serve-command.ts";
import { versionLine } from "./version.ts";

let lastWrite: Promise<void> = Promise.resolve();
let outputLost = false;
process.stdout.on("error", () => (outputLost = true));

function write(stream: NodeJS.WriteStream, data: string | Uint8Array): Promise<void> {
  lastWrite = new Promise((resolve) => stream.write(data, (err) => {
    if (err) outputLost = true;
    resolve();
  }));
  return lastWrite;
}

const io: Io = {
  out: (text) => void write(process.stdout, text + "\n"),
  err: (text) => void process.stderr.write(text + "\n"),
  status: (text) => void process.stderr.write(text),
  write: (bytes) => write(process.stdout, bytes),
  tty: Boolean(process.stderr.isTTY),
  stdoutTty: Boolean(process.stdout.isTTY),
};

// Working directory: `npm run strata -- ...` runs in the package's folder; relative paths are the caller's.
if (process.env.INIT_CWD && process.env.npm_lifecycle_event === "strata") process.chdir(process.env.INIT_CWD);

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--version" || argv[0] === "version") {
    io.out(versionLine());
    return EXIT.ok;
  }
  const code = await runCli(argv, io, [serveCommand, ...COMMANDS]);
  await lastWrite;
  return outputLost && code === EXIT.ok ? EXIT.failure : code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`strata: ${(err as Error)?.stack ?? err}\n`);
    process.exit(EXIT.failure);
  },
);
