// Composition root of a running server: open the store, build the S3 and admin apps, serve both on one port.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { createAdminApp } from "./admin/api.ts";
import { AdminError } from "./admin/errors.ts";
import { Metrics } from "./admin/metrics.ts";
import { requestLogLine } from "./admin/request-log.ts";
import type { ServerConfig } from "./config.ts";
import { selectHashEngine } from "./hash/hashing.ts";
import { JobEndpoints } from "./jobs.ts";
import { RepoService } from "./repo/service.ts";
import { serve } from "./runtime/serve.ts";
import { createAuthRoutes } from "./admin/auth-routes.ts";
import { type ServerAuth, setupServerAuth } from "./server-auth.ts";
import { createS3Endpoint, type S3AppOptions } from "./s3/app.ts";
import { parseBucket } from "./s3/buckets.ts";
import { authenticate } from "./s3/auth/authenticate.ts";
import { DEFAULT_S3_CONFIG } from "./s3/context.ts";
import { S3Error } from "./s3/errors.ts";
import type { RequestAuthOptions } from "./s3/request-auth.ts";
import { LocalStore, type Store } from "./store/store.ts";
import { openRemoteStore } from "./store/distributed-config.ts";
import { errorResponse } from "./s3/respond.ts";
import { UnavailableError } from "./util/unavailable.ts";

export interface StrataServer {
  port: number;
  url: string;
  dataDir: string;
  repo: RepoService;
  /** the SHA-256 engine chosen by --hash-engine */
  hashEngine: string;
  /** Stops accepting, finishes requests in flight, drops unfinished jobs, flushes, releases the data dir. */
  stop(): Promise<void>;
}

export interface ServerHooks {
  /** where request log lines go (default: stdout); --quiet turns them off */
  log?: (line: string) => void;
}

export async function startServer(config: ServerConfig, hooks: ServerHooks = {}): Promise<StrataServer> {
  const hashEngine = selectHashEngine(config.hashEngine);
  const dataDir = config.ephemeral ? fs.mkdtempSync(path.join(os.tmpdir(), "strata-")) : path.resolve(config.dataDir);
  const store: Store = config.meta ? await openRemoteStore(config) : LocalStore.open(dataDir);
  const repo = new RepoService(store);
  const access = await setupServerAuth(store, config.auth);
  if (access.adminToken) console.log(`Auth is on. Admin token (shown once; use it as access key and secret key): ${access.adminToken}`);
  const s3Config = { ...DEFAULT_S3_CONFIG, region: config.region, etagMode: config.etagMode };
  const tls = config.tlsCert && config.tlsKey
    ? { cert: fs.readFileSync(config.tlsCert, "utf8"), key: fs.readFileSync(config.tlsKey, "utf8") }
    : undefined;

  const metrics = new Metrics(() => {
    const { bytes, blobs } = store.blobs.stats();
    return { bytes, blobs, dedupChunks: store.blobs.deduplicated.chunks, dedupBytes: store.blobs.deduplicated.bytes };
  });
  const stdoutLog = config.quiet || hooks.log ? undefined : batchedStdout();
  const log = config.quiet ? undefined : (hooks.log ?? stdoutLog!.write);
  const observe = observeRequests(metrics, log);
  // Auth off: every access key is its own secret, so unsigned requests pass and signed ones must verify.
  // Auth on: access keys are tokens, and roles decide. The admin API takes the same credentials.
  const requestAuth = access.auth;

  const domains = ["localhost", ...config.domains];
  const s3 = createS3Endpoint({ repo, config: s3Config, buckets: { resolve: parseBucket, managesBuckets: true } }, {
    domains,
    observe,
    auth: requestAuth,
    authorize: access.authorize,
  });
  const jobs = new JobEndpoints({ repo, s3Config, hostname: config.bind, tls, observe, auth: requestAuth, authEnabled: access.enabled });
  const admin = createAdminApp({
    repo,
    jobs,
    metrics: () => metrics.render(),
    authorize: (raw) => authorizeAdmin(raw, requestAuth, access),
    auth: createAuthRoutes(access.access, { enabled: () => access.enabled }),
  });

  const handle = (raw: Request) => {
    const url = new URL(raw.url);
    return isAdminRequest(raw, url, domains) ? admin.fetch(raw) : s3(raw, url);
  };
  // A distributed store first catches up with what other gateways acknowledged; the embedded one has nothing to do.
  const refresh = store.refresh?.bind(store);
  const fetch = refresh
    ? async (raw: Request) => {
      try {
        await refresh();
      } catch (err) {
        if (!(err instanceof UnavailableError)) throw err;
        const unavailable = new S3Error(err.code, err.message);
        return errorResponse(unavailable, { method: raw.method, bucket: undefined, key: undefined, requestId: crypto.randomUUID(), url: new URL(raw.url) });
      }
      return handle(raw);
    }
    : handle;

  let server;
  try {
    server = serve({ port: config.port, hostname: config.bind, fetch, tls });
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
    hashEngine,
    async stop() {
      await server.stop();
      await jobs.dropAll();
      await repo.close();
      stdoutLog?.flush();
      if (config.ephemeral) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `/_strata/...` is always the admin API (no bucket starts with `_`). Bare `/healthz` and `/metrics` are too when
 * they are plain path-style GETs without a query: `aws s3 ls s3://metrics` always sends one, so a bucket of that
 * name stays reachable.
 */
function isAdminRequest(raw: Request, url: URL, domains: string[]): boolean {
  if (url.pathname.startsWith("/_strata/")) return true;
  if (raw.method !== "GET" || url.search !== "" || (url.pathname !== "/healthz" && url.pathname !== "/metrics")) return false;
  const hostname = (raw.headers.get("host") ?? url.host).replace(/:\d+$/, "").toLowerCase();
  return !domains.some((d) => hostname.endsWith(`.${d}`));
}

/** Feeds each S3 request's outcome to the metrics and the request log. */
function observeRequests(metrics: Metrics, log?: (line: string) => void): NonNullable<S3AppOptions["observe"]> {
  return ({ req, operation, response, started }) => {
    const bytesIn = Number(req.headers.get("x-amz-decoded-content-length") ?? req.headers.get("content-length") ?? 0) || 0;
    const bytesOut = req.method === "HEAD" ? 0 : Number(response.headers.get("content-length") ?? 0) || 0;
    const ms = performance.now() - started;
    metrics.record({ operation, status: response.status, seconds: ms / 1000, bytesIn, bytesOut });
    log?.(requestLogLine({ id: req.requestId, operation, method: req.method, bucket: req.bucket, key: req.key, status: response.status, bytesIn, bytesOut, ms }));
  };
}

/**
 * Request log lines for stdout, written together once per turn of the event loop: a write per line cost
 * 10-15% of a small GET's throughput. flush() writes what is left (at stop).
 */
function batchedStdout(): { write: (line: string) => void; flush: () => void } {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    process.stdout.write(text);
  };
  return {
    write(line) {
      if (pending.length === 0) setImmediate(flush);
      pending.push(line + "\n");
    },
    flush,
  };
}

/**
 * The admin API checks the same signatures as S3 (the CLI signs when AWS_ACCESS_KEY_ID is set). With auth on,
 * it manages every repo, so it takes an admin's token.
 */
async function authorizeAdmin(raw: Request, options: RequestAuthOptions, auth: ServerAuth): Promise<void> {
  const url = new URL(raw.url);
  try {
    const result = await authenticate({ method: raw.method, rawPath: url.pathname, rawQuery: url.search.slice(1), headers: raw.headers }, options);
    if (!auth.enabled) return;
    const user = result.kind === "signed" ? auth.access.userForToken(result.accessKey) : undefined;
    if (!user?.admin) throw new S3Error("AccessDenied", "With auth on, the admin API needs an admin's token as the access key.");
  } catch (err) {
    if (err instanceof S3Error) throw new AdminError(err.code, err.message, err.status);
    throw err;
  }
}
