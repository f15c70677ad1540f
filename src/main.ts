// The strata command.
import process from "node:process";
import { parseServeConfig, UsageError } from "./config.ts";
import { startServer } from "./server.ts";

async function serveCommand(args: string[]): Promise<void> {
  const config = parseServeConfig(args);
  const server = await startServer(config);
  console.log(
    `Strata listening on ${server.url} (data: ${config.ephemeral ? "ephemeral" : server.dataDir}) — try: aws --endpoint-url ${server.url} s3 ls`,
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case "serve":
      await serveCommand(rest);
      return -1; // keeps running
    default:
      console.error("usage: strata serve [--port N] [--data-dir DIR] [--ephemeral]");
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    console.error(err instanceof UsageError ? `strata: ${err.message}` : err);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
