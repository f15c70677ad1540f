// The strata command: every verb, `serve` included, dispatched by cli/main.ts. Output is written in order and
// the process exits only once stdout has taken all of it (a pipe to a slow reader gets every byte), with a
// failing exit code when it could not.
import process from "node:process";
import type { Io } from "./cli/command.ts";
import { EXIT } from "./cli/exit.ts";
import { COMMANDS, runCli } from "./cli/main.ts";
import { serveCommand } from "./serve-command.ts";
import { stderr, stdout } from "./runtime/output.ts";
import { versionLine } from "./version.ts";

const io: Io = {
  out: (text) => void stdout.write(text + "\n"),
  err: (text) => void stderr.write(text + "\n"),
  status: (text) => void stderr.write(text),
  write: (bytes) => stdout.write(bytes),
  tty: stderr.isTTY,
  stdoutTty: stdout.isTTY,
};

// Working directory: `npm run strata -- ...` runs in the package's folder; relative paths are the caller's.
if (process.env.INIT_CWD && process.env.npm_lifecycle_event === "strata") process.chdir(process.env.INIT_CWD);

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--version" || argv[0] === "version") {
    io.out(versionLine());
    return EXIT.ok;
  }
  return runCli(argv, io, [serveCommand, ...COMMANDS]);
}

/** Exits once stdout and stderr have taken everything (also the request log `serve` wrote); output that could
 * not be written makes a success a failure. */
async function exit(code: number): Promise<never> {
  await Promise.all([stdout.drained(), stderr.drained()]);
  process.exit(stdout.lost && code === EXIT.ok ? EXIT.failure : code);
}

main(process.argv.slice(2)).then(exit, (err) => {
  void stderr.write(`strata: ${(err as Error)?.stack ?? err}\n`);
  return exit(EXIT.failure);
});
