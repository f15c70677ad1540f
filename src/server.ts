// Composition root of a running server: open the store, build the S3 app, serve it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ServerConfig } from "./config.ts";
import { RepoService } from "./repo/service.ts";
import { Store } from "./store/store.ts";
import { createS3App } from "./s3/app.ts";
import { parseBucket } from "./s3/buckets.ts";
import { DEFAULT_S3_CONFIG } from "./s3/context.ts";
import { serve } from "./runtime/serve.ts";
import { setupServerAuth } from "./server-auth.ts"; // [authz]

export interface StrataServer {
  port: number;
  url: string;
  dataDir: string;
  repo: RepoService;
  /** Stops accepting, finishes requests in flight, flushes, releases the data dir. */
  stop(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<StrataServer> {
  const dataDir = config.ephemeral ? fs.mkdtempSync(path.join(os.tmpdir(), "strata-")) : path.resolve(config.dataDir);
  const repo = new RepoService(Store.open(dataDir));
  const access = await setupServerAuth(repo.store, config.auth); // [authz]
  if (access.adminToken) console.log(`Auth is on. Admin token (shown once; use it as access key and secret key): ${access.adminToken}`); // [authz]
  const app = createS3App(
    {
      repo,
      config: { ...DEFAULT_S3_CONFIG, region: config.region, etagMode: config.etagMode },
      buckets: { resolve: parseBucket, managesBuckets: true },
    },
    { domains: ["localhost", ...config.domains], auth: access.auth, authorize: access.authorize }, // [authz]
  );
  const tls = config.tlsCert && config.tlsKey
    ? { cert: fs.readFileSync(config.tlsCert, "utf8"), key: fs.readFileSync(config.tlsKey, "utf8") }
    : undefined;
  let server;
  try {
    server = serve({ port: config.port, hostname: config.bind, fetch: app.fetch, tls });
  } catch (err) {
    await repo.close();
    throw err;
  }
  const host = config.bind === "0.0.0.0" || config.bind === "::" ? "localhost" : config.bind;
  return {
    port: server.port,
    url: `${tls ? "https" : "http"}://${host}:${server.port}`,
    dataDir,
    repo,
    async stop() {
      await server.stop();
      await repo.close();
      if (config.ephemeral) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
