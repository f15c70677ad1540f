// `strata serve`: the one verb that runs the server. It is a verb like the others (cli/command.ts), listed in
// the same table by main.ts; it lives here because the server is built by the composition root.
import process from "node:process";
import type { Command } from "./cli/command.ts";
import { CliError, EXIT } from "./cli/exit.ts";
import { usingDataDir } from "./cli/offline.ts";
import { SERVE_OPTIONS, serveConfig } from "./config.ts";
import { startServer } from "./server.ts";

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * The line `serve` starts with. Its hint must work as pasted: with auth off, on a machine with no AWS keys the aws
 * CLI stops at "Unable to locate credentials" before sending anything, so the hint sends an unsigned request.
 * The ETag mode is named because s3cmd (and aws-sdk-java v1) fail uploads unless it is md5.
 */
export function listeningBanner(s: { url: string; bind: string; auth: boolean; data: string; etag: string; hashEngine: string }): string {
  const hint = s.auth ? `aws --endpoint-url ${s.url} s3 ls (with a token as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)` : `aws --endpoint-url ${s.url} --no-sign-request s3 ls`;
  return `Strata listening on ${s.url} (bind ${s.bind}, auth ${s.auth ? "on" : "off"}, data: ${s.data}, ETags: ${s.etag}, sha256: ${s.hashEngine}) — try: ${hint}`;
}

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
    const server = await usingDataDir(config.dataDir, () => startServer(config)).catch((err) => {
      // A second `npm start` (or any program on the port) is a conflict to explain, not a stack trace to print.
      if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
      throw new CliError(EXIT.conflict, `port ${config.port} is in use (another Strata, or another program): stop it, or pick another with --port`, "PortInUse");
    });
    const { io } = ctx;
    // Secrets and notices go to stderr: stdout is the request log.
    if (server.adminToken) io.err(`strata: auth is on. Admin token (shown once; use it as access key and secret key): ${server.adminToken}`);
    if (!server.authEnabled && !LOOPBACK.test(server.bind)) {
      io.err(`strata: WARNING: auth is off and the server listens on ${server.bind}: anyone who can reach this port can read and change everything. Use --auth, or leave out --bind.`);
    }
    io.err(
      listeningBanner({
        url: server.url,
        bind: server.bind,
        auth: server.authEnabled,
        data: config.ephemeral ? "ephemeral" : server.dataDir,
        etag: config.etagMode,
        hashEngine: server.hashEngine,
      }),
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
