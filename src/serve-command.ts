// `strata serve`: the one verb that runs the server. It is a verb like the others (cli/command.ts), listed in
// the same table by main.ts; it lives here because the server is built by the composition root.
import process from "node:process";
import type { Command } from "./cli/command.ts";
import { EXIT } from "./cli/exit.ts";
import { usingDataDir } from "./cli/offline.ts";
import { SERVE_OPTIONS, serveConfig } from "./config.ts";
import { startServer } from "./server.ts";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export const serveCommand: Command = {
  name: "serve",
  summary: "run the server: the S3 API and the admin API (/_strata/) on one port",
  usage: "[flags]",
  example: "strata serve --port 30600 --data-dir ./strata-data",
  options: SERVE_OPTIONS,
  args: [0, 0],
  notes: [
    "Flags win over STRATA_* variables. Also served: /healthz, /metrics (Prometheus).",
    "Without auth only this machine can connect; --bind 0.0.0.0 opens it to the network (with a warning).",
    "SIGTERM or SIGINT: stop accepting, finish requests in flight, flush, exit 0.",
  ].join("\n"),
  async run(ctx) {
    const config = serveConfig(ctx.values);
    const server = await usingDataDir(config.dataDir, () => startServer(config));
    const { io } = ctx;
    // Secrets and notices go to stderr: stdout is the request log.
    if (server.adminToken) io.err(`strata: auth is on. Admin token (shown once; use it as access key and secret key): ${server.adminToken}`);
    if (!server.authEnabled && !LOOPBACK.test(server.bind)) {
      io.err(`strata: WARNING: auth is off and the server listens on ${server.bind}: anyone who can reach this port can read and change everything. Use --auth, or leave out --bind.`);
    }
    io.err(
      `Strata listening on ${server.url} (bind ${server.bind}, auth ${server.authEnabled ? "on" : "off"}, data: ${config.ephemeral ? "ephemeral" : server.dataDir}, sha256: ${server.hashEngine}) — try: aws --endpoint-url ${server.url} s3 ls`,
    );
    return await new Promise<number>((resolve) => {
      let stopping = false;
      const shutdown = async (signal: string) => {
        if (stopping) {
          io.err(`strata: ${signal} again: exiting without waiting`);
          resolve(EXIT.failure);
          return;
        }
        stopping = true;
        io.err(`strata: ${signal}: finishing requests in flight, then exiting`);
        try {
          await server.stop();
          resolve(EXIT.ok);
        } catch (err) {
          io.err(`strata: shutdown failed: ${(err as Error).message}`);
          resolve(EXIT.failure);
        }
      };
      process.on("SIGTERM", () => shutdown("SIGTERM"));
      process.on("SIGINT", () => shutdown("SIGINT"));
    });
  },
};
