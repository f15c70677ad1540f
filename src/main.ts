// The strata command: `serve` runs the server here; every other verb is a client (src/cli).
import process from "node:process";
import { runAuthCommand } from "./cli/auth-commands.ts";
import { runCli } from "./cli/main.ts";
import type { Io } from "./cli/command.ts";
import { parseServeConfig, SERVE_FLAGS, UsageError } from "./config.ts";
import { startServer } from "./server.ts";
import { versionLine } from "./version.ts";

const io: Io = {
  out: (text) => process.stdout.write(text + "\n"),
  err: (text) => process.stderr.write(text + "\n"),
  status: (text) => process.stderr.write(text),
  tty: Boolean(process.stderr.isTTY),
};

function serveHelp(): string {
  const rows = Object.entries(SERVE_FLAGS).map(([flag, spec]) => [`${flag}${spec.kind === "boolean" ? "" : " VALUE"}`, spec.env, spec.help]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return [
    "usage: strata serve [flags]",
    "",
    "Serve the S3 API and the admin API (/_strata/) on one port. Flags win over STRATA_* variables.",
    "",
    ...rows.map(([f, e, h]) => `  ${f.padEnd(w0)}  ${e.padEnd(w1)}  ${h}`),
    "",
    "Also served: /healthz, /metrics (Prometheus). SIGTERM or SIGINT: stop accepting, finish requests in flight,",
    "flush, exit 0.",
    "",
    "example:",
    "  strata serve --port 30600 --data-dir ./strata-data",
  ].join("\n");
}

async function serve(args: string[]): Promise<void> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(serveHelp());
    process.exit(0);
  }
  const config = parseServeConfig(args);
  const server = await startServer(config);
  io.err(
    `Strata listening on ${server.url} (data: ${config.ephemeral ? "ephemeral" : server.dataDir}, sha256: ${server.hashEngine}) — try: aws --endpoint-url ${server.url} s3 ls`,
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      io.err(`strata: ${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    io.err(`strata: ${signal}: finishing requests in flight, then exiting`);
    try {
      await server.stop();
    } catch (err) {
      io.err(`strata: shutdown failed: ${(err as Error).message}`);
      process.exit(1);
    }
    process.exit(0);
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === "--version" || argv[0] === "version") {
    io.out(versionLine());
    process.exit(0);
  }
  if (argv[0] === "serve") return serve(argv.slice(1));
  if (argv[0] === "auth") process.exit(await runAuthCommand(argv.slice(1)));
  process.exit(await runCli(argv, io));
}

main(process.argv.slice(2)).catch((err) => {
  io.err(err instanceof UsageError ? `strata: ${err.message}` : `strata: ${(err as Error)?.message ?? err}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
