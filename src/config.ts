// Server settings: the `serve` flags (one option spec with the other verbs: flag, STRATA_* variable, help) and
// the ServerConfig they make.
import type { OptionSpec, OptionValues } from "./cli/command.ts";
import { usageError } from "./cli/exit.ts";
import { parseSize } from "./util/size.ts";
import { parseDuration } from "./util/time.ts";
import type { DistributedConfig } from "./store/distributed-config.ts";
import { DISTRIBUTED_OPTIONS, distributedConfig } from "./cli/offline.ts";
import { DEFAULT_DISK_RESERVE_BYTES } from "./store/disk-space.ts";

/** With `meta` and `blobs` (DistributedConfig), refs live in PostgreSQL and blobs in an object store. */
export interface ServerConfig extends DistributedConfig {
  port: number;
  /** unset: 127.0.0.1 with auth off, 0.0.0.0 with it on */
  bind?: string;
  dataDir: string;
  ephemeral: boolean;
  region: string;
  etagMode: "sha256" | "md5";
  hashEngine: "auto" | "wasm" | "native";
  tlsCert?: string;
  tlsKey?: string;
  auth: boolean;
  /** extra host names for virtual-host style addressing besides localhost */
  domains: string[];
  /** origins allowed by the default CORS rule of every bucket without rules of its own ("*": any) */
  corsOrigins: string[];
  quiet: boolean;
  /** with auth on, /metrics without a token */
  metricsPublic: boolean;
  /** free space (MiB) new object data may not eat into: kept for deletes and gc on a full disk */
  diskReserveMiB: number;
  /** bytes per second the background scrub reads at most (0: no scrub) */
  scrubRate: number;
  /** bytes of memory the server should stay under: bounds the caches and drops them under pressure (unset: no limit) */
  memoryLimit?: number;
  /** ms a running sidecar job's lease on its staging branch lasts unrenewed (jobs/endpoints.ts) */
  jobLeaseMs: number;
}

export const DEFAULT_PORT = 30600;
export const DEFAULT_DATA_DIR = "./strata-data";
export const DEFAULT_DISK_RESERVE_MIB = DEFAULT_DISK_RESERVE_BYTES / (1024 * 1024);
/** The background scrub's default pace: a few GB an hour, unnoticed beside an edge box's own work. */
export const DEFAULT_SCRUB_RATE = "2MiB";
/** Long enough that a busy server renews in time (every third of it), short enough that a dead job's staging branch goes soon. */
export const DEFAULT_JOB_LEASE = "30s";

/** Below this a server cannot run at all: the runtime alone takes ~40 MB. */
const MIN_MEMORY_LIMIT = 64 * 1024 * 1024;

export const SERVE_OPTIONS: Record<string, OptionSpec> = {
  port: { type: "string", env: "STRATA_PORT", help: `N  port to listen on (default ${DEFAULT_PORT})` },
  bind: { type: "string", env: "STRATA_BIND", help: "ADDR  address to bind (default 127.0.0.1; with --auth 0.0.0.0)" },
  "data-dir": { type: "string", env: "STRATA_DATA_DIR", help: `DIR  where data lives (default ${DEFAULT_DATA_DIR})` },
  ephemeral: { type: "boolean", env: "STRATA_EPHEMERAL", help: "use a temporary data dir, removed at exit (not with --data-dir)" },
  region: { type: "string", env: "STRATA_REGION", help: "R  region reported to clients (default us-east-1)" },
  etag: { type: "string", env: "STRATA_ETAG", choices: ["sha256", "md5"], help: "sha256|md5  ETag of objects (default sha256)" },
  "hash-engine": { type: "string", env: "STRATA_HASH_ENGINE", choices: ["auto", "wasm", "native"], help: "auto|wasm|native  SHA-256 engine (default auto)" },
  "tls-cert": { type: "string", env: "STRATA_TLS_CERT", help: "FILE  PEM certificate: serve HTTPS" },
  "tls-key": { type: "string", env: "STRATA_TLS_KEY", help: "FILE  PEM private key for --tls-cert" },
  auth: { type: "boolean", env: "STRATA_AUTH", help: "require tokens (see strata auth --help)" },
  domain: { type: "string", multiple: true, env: "STRATA_DOMAINS", help: "NAME  host name for virtual-host style buckets (repeatable; localhost always)" },
  "cors-origin": { type: "string", multiple: true, env: "STRATA_CORS_ORIGINS", help: "ORIGIN  let this browser origin use every bucket without CORS rules of its own (repeatable; '*' for any; local development)" },
  quiet: { type: "boolean", env: "STRATA_QUIET", help: "no per-request log lines" },
  "metrics-public": { type: "boolean", env: "STRATA_METRICS_PUBLIC", help: "with auth on, serve /metrics without a token too" },
  "disk-reserve-mib": { type: "string", env: "STRATA_DISK_RESERVE_MIB", help: `N  free disk space kept for deletes and gc: new objects are refused (503) below it (default ${DEFAULT_DISK_RESERVE_MIB})` },
  "scrub-rate": { type: "string", env: "STRATA_SCRUB_RATE", help: `SIZE  per second the background scrub reads and checks at most (default ${DEFAULT_SCRUB_RATE}; 0: off)` },
  "memory-limit": { type: "string", env: "STRATA_MEMORY_LIMIT", help: "SIZE  memory to stay under (256MiB, 1GiB, …): caches get a quarter, and are dropped when RSS nears it (default: no limit)" },
  "job-lease": { type: "string", env: "STRATA_JOB_LEASE", help: `DURATION  how long a sidecar job's staging branch outlives its server unrenewed, on a shared metadata store (default ${DEFAULT_JOB_LEASE})` },
  ...DISTRIBUTED_OPTIONS,
};

export function defaultConfig(): ServerConfig {
  return {
    port: DEFAULT_PORT,
    dataDir: DEFAULT_DATA_DIR,
    ephemeral: false,
    region: "us-east-1",
    etagMode: "sha256",
    hashEngine: "auto",
    auth: false,
    domains: [],
    corsOrigins: [],
    quiet: false,
    metricsPublic: false,
    diskReserveMiB: DEFAULT_DISK_RESERVE_MIB,
    scrubRate: parseSize(DEFAULT_SCRUB_RATE),
    jobLeaseMs: parseDuration(DEFAULT_JOB_LEASE),
  };
}

/** The config `serve`'s parsed options (flags, else STRATA_* variables) ask for. Throws a usage error. */
export function serveConfig(values: OptionValues): ServerConfig {
  const c = defaultConfig();
  const text = (name: string) => values[name] as string | undefined;
  if (text("port") !== undefined) {
    const n = Number(text("port"));
    if (!/^\d+$/.test(text("port")!) || n > 65535) throw usageError(`--port must be a port number (0-65535), not ${text("port")}`);
    c.port = n;
  }
  if (values.ephemeral === true && text("data-dir") !== undefined) throw usageError("--ephemeral makes its own temporary data dir: leave out --data-dir (or STRATA_DATA_DIR)");
  c.bind = text("bind");
  c.dataDir = text("data-dir") ?? c.dataDir;
  c.ephemeral = values.ephemeral === true;
  c.region = text("region") ?? c.region;
  c.etagMode = (text("etag") as ServerConfig["etagMode"]) ?? c.etagMode;
  c.hashEngine = (text("hash-engine") as ServerConfig["hashEngine"]) ?? c.hashEngine;
  c.tlsCert = text("tls-cert");
  c.tlsKey = text("tls-key");
  c.auth = values.auth === true;
  c.domains = ((values.domain as string[] | undefined) ?? []).flatMap((d) => d.split(",")).filter(Boolean);
  c.corsOrigins = ((values["cors-origin"] as string[] | undefined) ?? []).flatMap((d) => d.split(",")).filter(Boolean);
  c.quiet = values.quiet === true;
  c.metricsPublic = values["metrics-public"] === true;
  const reserve = text("disk-reserve-mib");
  if (reserve !== undefined) {
    if (!/^\d{1,7}$/.test(reserve)) throw usageError(`--disk-reserve-mib must be a whole number of MiB (0 for none), not ${reserve}`);
    c.diskReserveMiB = Number(reserve);
  }
  const size = (name: string): number => {
    try {
      return parseSize(text(name)!);
    } catch (err) {
      throw usageError(`--${name}: ${(err as Error).message}`);
    }
  };
  if (text("scrub-rate") !== undefined) c.scrubRate = size("scrub-rate");
  if (text("memory-limit") !== undefined) {
    c.memoryLimit = size("memory-limit");
    if (c.memoryLimit < MIN_MEMORY_LIMIT) throw usageError(`--memory-limit must be at least 64MiB (the runtime alone takes ~40 MB), not ${text("memory-limit")}`);
  }
  if (text("job-lease") !== undefined) {
    try {
      c.jobLeaseMs = parseDuration(text("job-lease")!);
    } catch (err) {
      throw usageError(`--job-lease: ${(err as Error).message}`);
    }
    if (c.jobLeaseMs < 1000) throw usageError(`--job-lease must be at least 1s, not ${text("job-lease")}`);
  }
  if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) throw usageError("--tls-cert and --tls-key go together");
  return { ...c, ...distributedConfig(values) };
}
