// Pieces of a distributed Strata for tests: a fresh PostgreSQL schema per test file (dropped after), a real S3
// server as object store (moto_server, or a second Strata in embedded mode), and gateways in their own processes.
import { afterAll, beforeAll } from "bun:test";
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import postgres from "postgres";
import { randomHex } from "../../src/util/bytes.ts";
import { freePort, type ServerProcess, startServerProcess } from "./process.ts";
import { withServer } from "./server.ts";

export { startProxy, startProxyProcess } from "./tcp-proxy.ts";

export const PG_URL = process.env.STRATA_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
const MAIN = path.join(import.meta.dir, "../../src/main.ts");
export const CREDS = { AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x", AWS_DEFAULT_REGION: "us-east-1" };

/** Whether PostgreSQL answers (the tests skip with a reason when it does not). */
export async function pgAvailable(): Promise<boolean> {
  const sql = postgres(PG_URL, { connect_timeout: 2, max: 1, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

export interface Schema {
  name: string;
  /** the --meta URL of this schema on `base` (default: the real server) */
  url(base?: string): string;
  drop(): Promise<void>;
}

export function freshSchema(): Schema {
  const name = `strata_t_${randomHex(6)}`;
  return {
    name,
    url: (base = PG_URL) => `${base}?schema=${name}`,
    async drop() {
      const sql = postgres(PG_URL, { max: 1, onnotice: () => {} });
      await sql.unsafe(`DROP SCHEMA IF EXISTS ${name} CASCADE`).catch(() => {});
      await sql.end({ timeout: 1 });
    },
  };
}

export interface ObjectStoreServer {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** moto_server on a free port with one bucket. */
export async function startMoto(): Promise<ObjectStoreServer> {
  const port = await freePort();
  const proc = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
    } catch {
      if (i > 200) throw new Error("moto_server did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const bucket = "strata-blobs";
  const res = await fetch(`${endpoint}/${bucket}`, { method: "PUT" });
  if (!res.ok) throw new Error(`moto: create bucket ${res.status}`);
  return { endpoint, bucket, stop: async () => void proc.kill("SIGKILL") };
}

/** A second Strata, embedded, in this process, as the object store. */
export async function startEmbeddedObjectStore(): Promise<ObjectStoreServer> {
  const server = await withServer();
  const bucket = "blobs";
  const res = await fetch(`${server.url}/${bucket}`, { method: "PUT" });
  if (!res.ok) throw new Error(`embedded Strata: create bucket ${res.status}`);
  return { endpoint: server.url.replace("localhost", "127.0.0.1"), bucket, stop: () => server.stop() };
}

export interface Gateway extends ServerProcess {
  stop(): Promise<void>;
}

export function gatewayArgs(meta: string, store: ObjectStoreServer, prefix: string): string[] {
  return ["--meta", meta, "--blobs", `s3://${store.bucket}/${prefix}`, "--blobs-endpoint", store.endpoint];
}

/**
 * A gateway process on the distributed store (under Bun, or with `deno`, the same sources under Deno), with `args`
 * as further `serve` flags.
 */
export async function startGateway(meta: string, store: ObjectStoreServer, prefix: string, options: { deno?: boolean; args?: string[] } = {}): Promise<Gateway> {
  const port = await freePort();
  const env = { ...process.env, ...CREDS, DENO_NO_UPDATE_CHECK: "1" } as Record<string, string>;
  const args = [MAIN, "serve", "--port", String(port), "--bind", "127.0.0.1", "--quiet", ...gatewayArgs(meta, store, prefix), ...(options.args ?? [])];
  const [cmd, argv] = options.deno ? [path.join(import.meta.dir, "../../node_modules/.bin/deno"), ["run", "--allow-all", ...args]] : [process.execPath, args];
  // Deno transpiles every changed source on its first start; on a loaded machine that took over 15 s.
  const gw = await startServerProcess(cmd, argv, { port, env, readyTimeoutMs: options.deno ? 50_000 : 15_000 });
  return {
    ...gw,
    async stop() {
      if (gw.proc.exitCode === null && gw.proc.signalCode === null) {
        gw.proc.kill("SIGTERM");
        await gw.exited;
      }
    },
  };
}

/** Runs the strata CLI to its end, or until `kill` resolves (then SIGKILLs it: `signal` says whether it came to that). */
export function strataCli(args: string[], env: Record<string, string> = {}, options: { kill?: Promise<unknown> } = {}): Promise<{ code: number | null; signal?: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, ...CREDS, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    void options.kill?.then(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Gateways on one fresh schema and one moto_server, made before a file's tests and stopped after them. */
export interface GatewayCluster {
  schema: Schema;
  objects: ObjectStoreServer;
  /** the gateways started; a test may push more (they are stopped with the rest) */
  gateways: Gateway[];
  /** another gateway on the same schema and object store */
  add(): Promise<Gateway>;
}

/**
 * Registers beforeAll/afterAll hooks that start `count` gateways (blob prefix `prefix`, further `serve` flags
 * `args`) on a fresh schema and moto_server, unless `skip`; the returned cluster is filled in by the time the tests run.
 */
export function gatewaysOnMoto(prefix: string, skip: boolean, count = 2, args: string[] = []): GatewayCluster {
  const cluster = { gateways: [] as Gateway[] } as GatewayCluster;
  cluster.add = async () => {
    const gateway = await startGateway(cluster.schema.url(), cluster.objects, prefix, { args });
    cluster.gateways.push(gateway);
    return gateway;
  };
  beforeAll(async () => {
    if (skip) return;
    cluster.schema = freshSchema();
    cluster.objects = await startMoto();
    for (let i = 0; i < count; i++) await cluster.add();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(cluster.gateways.map((g) => g.stop()));
    await cluster.objects?.stop();
    await cluster.schema?.drop();
  });
  return cluster;
}
