// Composition root of a running server: open the store, build the S3 endpoint and the admin API into the one
// server app (server-app.ts), serve it on one port.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import type { Caller } from "./admin/admin-access.ts";
import { createAdminApp } from "./admin/api.ts";
import { AdminError } from "./admin/errors.ts";
import { Metrics } from "./admin/metrics.ts";
import { requestLogLine } from "./admin/request-log.ts";
import type { ServerConfig } from "./config.ts";
import { DEFAULT_CHUNKING } from "./hash/chunker.ts";
import { selectHashEngine } from "./hash/hashing.ts";
import { JobEndpoints } from "./jobs/endpoints.ts";
import { createJobRoutes } from "./jobs/routes.ts";
import { RepoService } from "./repo/service.ts";
import { MemoryGuard } from "./runtime/memory.ts";
import { stdout } from "./runtime/output.ts";
import { serve } from "./runtime/serve.ts";
import { createAuthRoutes } from "./admin/routes/auth.ts";
import { createConsoleRoutes } from "./admin/console/routes.ts";
import { ConsoleSessions } from "./admin/console/sessions.ts";
import { type ServerAuth, setupServerAuth } from "./server-auth.ts";
import { createS3Endpoint, internalErrorResponse, requestErrorResponse, type S3AppOptions, unparsableRequestResponse } from "./s3/app.ts";
import { requestTarget, splitTarget } from "./runtime/request-target.ts";
import { createServerApp } from "./server-app.ts";
import { parseBucket } from "./s3/buckets.ts";
import { defaultCorsRule } from "./s3/cors.ts";
import { authenticate } from "./s3/auth/authenticate.ts";
import { DEFAULT_S3_CONFIG } from "./s3/context.ts";
import { S3Error, unavailable } from "./s3/errors.ts";
import { LocalStore, type Store } from "./store/store.ts";
import { Scrubber } from "./store/scrub.ts";
import { openRemoteStore } from "./store/distributed-config.ts";
import { UnavailableError } from "./util/unavailable.ts";
import { randomHex } from "./util/bytes.ts";
import { cacheBudgets } from "./util/memory-budget.ts";

export interface StrataServer {
  port: number;
  url: string;
  /** the address listened on: --bind, else 127.0.0.1 with auth off and 0.0.0.0 with it on */
  bind: string;
  /** whether auth was on at start */
  authEnabled: boolean;
  /** the admin token this start created (first start with auth on): shown once, by whoever started the server */
  adminToken?: string;
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
  // One split of the memory limit for every cache, handed to each where it is built.
  const budgets = cacheBudgets(config.memoryLimit, { distributed: Boolean(config.meta), chunkBufferBytes: DEFAULT_CHUNKING.max });
  const store: Store = config.meta ? await openRemoteStore(config, { cacheBytes: budgets.remoteBlobs, locationBytes: budgets.remoteLocations }) : LocalStore.open(dataDir, { diskReserve: config.diskReserveMiB * 1024 * 1024 });
  const repo = new RepoService(store, budgets);
  const memory = new MemoryGuard({ limit: config.memoryLimit, relieve: () => repo.dropCaches() });
  const access = await setupServerAuth(store, config.auth);
  // Not open to the network by accident: without auth, only this machine, unless --bind says otherwise.
  const bind = config.bind ?? (access.enabled() ? "0.0.0.0" : "127.0.0.1");
  const loopback = isLoopback(bind);
  const s3Config = {
    ...DEFAULT_S3_CONFIG,
    region: config.region,
    etagMode: config.etagMode,
    defaultCors: config.corsOrigins.length ? [defaultCorsRule(config.corsOrigins)] : undefined,
  };
  const tls = config.tlsCert && config.tlsKey
    ? { cert: fs.readFileSync(config.tlsCert, "utf8"), key: fs.readFileSync(config.tlsKey, "utf8") }
    : undefined;

  const scrubber = startScrub(store, config.scrubRate);
  const metrics = new Metrics(() => {
    const { bytes, blobs } = store.blobs.stats();
    return { bytes, blobs, dedupChunks: store.blobs.deduplicated.chunks, dedupBytes: store.blobs.deduplicated.bytes, scrub: scrubber?.stats, locations: store.blobs.locationStats?.(), memoryReliefs: memory.reliefs };
  });
  const stdoutLog = config.quiet || hooks.log ? undefined : batchedStdout();
  const log = config.quiet ? undefined : (hooks.log ?? stdoutLog!.write);
  const observe = observeRequests(metrics, log);
  // Auth off: any key pair (signatures' form and time still checked). Auth on: access keys are tokens, and
  // roles decide. The admin API takes the same credentials.
  const requestAuth = access.auth;

  const domains = ["localhost", ...config.domains];
  const s3 = createS3Endpoint({ repo, config: s3Config, buckets: { resolve: parseBucket, managesBuckets: true } }, {
    domains,
    observe,
    auth: requestAuth,
    authorize: access.authorize,
  });
  const jobs = new JobEndpoints({
    repo, s3Config, hostname: bind, tls, observe, authEnabled: access.enabled,
    // A job's requests catch up with other gateways first, as the main port's do.
    serverApp: (jobS3) => ({ fetch: refreshing(store, createServerApp({ s3: jobS3, domains: [] }).fetch) }),
    soleServer: store instanceof LocalStore,
    leaseMs: config.jobLeaseMs,
    refresh: store.refresh?.bind(store),
  });
  await jobs.removeLeftovers();
  // The console's session cookie identifies it as a token does (only with auth on: off, no one needs to be anyone).
  const sessions = new ConsoleSessions((token) => access.access.userForToken(token));
  const admin = createAdminApp({
    repo,
    jobs: createJobRoutes(jobs, repo),
    limits: { etagMode: s3Config.etagMode, maxObjectSize: s3Config.maxObjectSize },
    identify: async (raw) => (access.enabled() ? sessions.identify(raw) : undefined) ?? identifyCaller(raw, access),
    auth: createAuthRoutes(access.access, { enabled: access.enabled, required: access.required }),
    observe: (e) => {
      metrics.record({ operation: e.operation, status: e.status, seconds: e.ms / 1000, bytesIn: e.bytesIn, bytesOut: e.bytesOut });
      log?.(requestLogLine({ id: randomHex(8), ...e }));
    },
  });
  const app = createServerApp({
    s3,
    admin,
    console: createConsoleRoutes({ sessions, authOn: access.enabled, history: metrics.history }),
    metrics: () => metrics.render(),
    mayReadMetrics: config.metricsPublic ? undefined : (raw) => mayReadMetrics(raw, access),
    domains,
    localHostsOnly: () => loopback && !access.enabled(), // auth can be switched on and off while serving
  });

  let server;
  try {
    server = await serve({ port: config.port, hostname: bind, fetch: refreshing(store, app.fetch), onError: internalErrorResponse, onBadRequest: unparsableRequestResponse, tls });
  } catch (err) {
    await scrubber?.stop();
    await repo.close();
    if (config.ephemeral) fs.rmSync(dataDir, { recursive: true, force: true }); // "removed at exit" holds here too
    throw err;
  }
  memory.start();
  const host = bind === "0.0.0.0" || bind === "::" ? "localhost" : bind.includes(":") ? `[${bind}]` : bind;
  return {
    port: server.port,
    url: `${tls ? "https" : "http"}://${host}:${server.port}`,
    bind,
    authEnabled: access.enabled(),
    adminToken: access.adminToken,
    dataDir,
    repo,
    hashEngine,
    async stop() {
      await server.stop();
      await jobs.dropAll();
      memory.stop();
      await scrubber?.stop();
      await repo.close();
      stdoutLog?.flush();
      if (config.ephemeral) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Whether an address to listen on is reachable from this machine only. */
function isLoopback(bind: string): boolean {
  return bind === "localhost" || bind === "::1" || bind === "[::1]" || /^127\./.test(bind);
}

/** The background scrub of an embedded store (an object store keeps its own checksums; fsck checks it). */
function startScrub(store: Store, bytesPerSecond: number): Scrubber | undefined {
  if (!(store instanceof LocalStore) || bytesPerSecond <= 0) return undefined;
  const scrubber = new Scrubber(store.blobs, bytesPerSecond, (d) => {
    console.error(`strata: scrub: damaged record in pack ${d.pack} at offset ${d.offset} (blob ${d.hash}, ${d.problem}); run strata fsck to see what uses it`);
  });
  scrubber.start();
  return scrubber;
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
 * 10-15% of a small GET's throughput. flush() writes what is left (at stop); the process exits once stdout has
 * taken it (runtime/output.ts).
 */
function batchedStdout(): { write: (line: string) => void; flush: () => void } {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    void stdout.write(text);
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
 * Who calls the admin API: the user of a SigV4 signature (the CLI signs with AWS_ACCESS_KEY_ID, the same
 * credentials S3 takes) or of `Authorization: Bearer <token>`. With auth off anyone may, but a signature must
 * still hold its form and time, as on S3.
 */
async function identifyCaller(raw: Request, auth: ServerAuth): Promise<Caller> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(raw.headers.get("authorization") ?? "")?.[1];
  const on = auth.enabled();
  if (bearer !== undefined) {
    if (!on) return { authOn: false };
    const user = auth.access.userForToken(bearer);
    if (!user) throw new AdminError("InvalidAccessKeyId", "The token given as Bearer is not known (revoked, or mistyped).", 403);
    return { authOn: true, user };
  }
  const { path, query } = splitTarget(requestTarget(raw));
  try {
    const result = await authenticate({ method: raw.method, rawPath: path, rawQuery: query, headers: raw.headers }, auth.auth);
    if (!on) return { authOn: false };
    return { authOn: true, user: result.kind === "signed" ? auth.access.userForToken(result.accessKey) : undefined };
  } catch (err) {
    if (err instanceof S3Error) throw new AdminError(err.code, err.message, err.status);
    throw err;
  }
}

/**
 * With auth on, the metrics (request counts per operation, store size) are for signed-in users: any user's
 * token will do, so a scraper gets a user of its own with no role in any repo (`--metrics-public` opens them).
 */
async function mayReadMetrics(raw: Request, auth: ServerAuth): Promise<void> {
  const caller = await identifyCaller(raw, auth);
  if (caller.authOn && !caller.user) {
    throw new AdminError("AccessDenied", "With auth on, /metrics needs a token (Authorization: Bearer, or SigV4), or the server started with --metrics-public.", 403);
  }
}

/**
 * A distributed store first catches up with what other gateways acknowledged (one shared PostgreSQL query), so a
 * read sees every write acknowledged before it; when PostgreSQL is away the request fails with 503. The embedded
 * store has nothing to catch up with: its handler is used as it is.
 */
function refreshing(store: Store, handle: (raw: Request) => Response | Promise<Response>): (raw: Request) => Response | Promise<Response> {
  const refresh = store.refresh?.bind(store);
  if (!refresh) return handle;
  return async (raw) => {
    try {
      await refresh();
    } catch (err) {
      if (!(err instanceof UnavailableError)) throw err;
      return requestErrorResponse(unavailable(err), raw);
    }
    return handle(raw);
  };
}
