// Server settings from flags and STRATA_* environment variables (flags win).
import process from "node:process";
import { withAwsDefaults } from "./store/distributed-config.ts";

export interface ServerConfig {
  port: number;
  bind: string;
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
  quiet: boolean;
  /** distributed store: refs in PostgreSQL (postgres://…) and blobs in an object store (s3://bucket/prefix) */
  meta?: string;
  blobs?: string;
  blobsEndpoint?: string;
  blobsRegion?: string;
  blobsAccessKeyId?: string;
  blobsSecretAccessKey?: string;
}

export const DEFAULT_PORT = 30600;

interface FlagSpec {
  key: keyof ServerConfig;
  env: string;
  kind: "string" | "number" | "boolean" | "list";
  choices?: readonly string[];
  help: string;
}

/**
 * The distributed store's flags (also taken by `strata migrate`). The object store's endpoint, region and
 * credentials fall back to the usual AWS_* variables.
 */
export const DISTRIBUTED_FLAGS: Record<string, FlagSpec> = {
  "--meta": { key: "meta", env: "STRATA_META", kind: "string", help: "postgres://… (?schema=NAME): refs and indexes in PostgreSQL (with --blobs)" },
  "--blobs": { key: "blobs", env: "STRATA_BLOBS", kind: "string", help: "s3://bucket/prefix: blobs in an S3-compatible object store (with --meta)" },
  "--blobs-endpoint": { key: "blobsEndpoint", env: "STRATA_BLOBS_ENDPOINT", kind: "string", help: "object store URL (else $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, else AWS S3)" },
  "--blobs-region": { key: "blobsRegion", env: "STRATA_BLOBS_REGION", kind: "string", help: "object store region (else $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)" },
  "--blobs-access-key-id": { key: "blobsAccessKeyId", env: "STRATA_BLOBS_ACCESS_KEY_ID", kind: "string", help: "object store access key (else $AWS_ACCESS_KEY_ID)" },
  "--blobs-secret-access-key": { key: "blobsSecretAccessKey", env: "STRATA_BLOBS_SECRET_ACCESS_KEY", kind: "string", help: "object store secret key (else $AWS_SECRET_ACCESS_KEY)" },
};

export const SERVE_FLAGS: Record<string, FlagSpec> = {
  "--port": { key: "port", env: "STRATA_PORT", kind: "number", help: `port to listen on (default ${DEFAULT_PORT})` },
  "--bind": { key: "bind", env: "STRATA_BIND", kind: "string", help: "address to bind (default 0.0.0.0)" },
  "--data-dir": { key: "dataDir", env: "STRATA_DATA_DIR", kind: "string", help: "where data lives (default ./strata-data)" },
  "--ephemeral": { key: "ephemeral", env: "STRATA_EPHEMERAL", kind: "boolean", help: "use a temporary data dir, removed at exit" },
  "--region": { key: "region", env: "STRATA_REGION", kind: "string", help: "region reported to clients (default us-east-1)" },
  "--etag": { key: "etagMode", env: "STRATA_ETAG", kind: "string", choices: ["sha256", "md5"], help: "ETag of objects: sha256 (default) or md5" },
  "--hash-engine": { key: "hashEngine", env: "STRATA_HASH_ENGINE", kind: "string", choices: ["auto", "wasm", "native"], help: "SHA-256 engine: auto (default), wasm or native" },
  "--tls-cert": { key: "tlsCert", env: "STRATA_TLS_CERT", kind: "string", help: "PEM certificate file: serve HTTPS" },
  "--tls-key": { key: "tlsKey", env: "STRATA_TLS_KEY", kind: "string", help: "PEM private key file for --tls-cert" },
  "--auth": { key: "auth", env: "STRATA_AUTH", kind: "boolean", help: "require tokens (see `strata auth`)" },
  "--domain": { key: "domains", env: "STRATA_DOMAINS", kind: "list", help: "host name for virtual-host style buckets (repeatable; localhost always)" },
  "--quiet": { key: "quiet", env: "STRATA_QUIET", kind: "boolean", help: "no per-request log lines" },
  ...DISTRIBUTED_FLAGS,
};


export function defaultConfig(): ServerConfig {
  return {
    port: DEFAULT_PORT,
    bind: "0.0.0.0",
    dataDir: "./strata-data",
    ephemeral: false,
    region: "us-east-1",
    etagMode: "sha256",
    hashEngine: "auto",
    auth: false,
    domains: [],
    quiet: false,
  };
}

export class UsageError extends Error {}

export function parseServeConfig(args: string[], env: Record<string, string | undefined> = process.env): ServerConfig {
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const set = (spec: FlagSpec, raw: string | undefined, flag: string) => {
    if (spec.kind === "boolean") {
      config[spec.key] = raw === undefined || !["0", "false", "no", ""].includes(raw.toLowerCase());
      return;
    }
    if (raw === undefined) throw new UsageError(`${flag} needs a value`);
    if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`${flag} must be one of ${spec.choices.join(", ")}`);
    if (spec.kind === "number") {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag} must be a port number`);
      config[spec.key] = n;
    } else if (spec.kind === "list") config[spec.key] = [...(config[spec.key] as string[]), ...raw.split(",").filter(Boolean)];
    else config[spec.key] = raw;
  };
  for (const [flag, spec] of Object.entries(SERVE_FLAGS)) {
    const raw = env[spec.env];
    if (raw !== undefined && raw !== "") set(spec, raw, spec.env);
  }
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const spec = SERVE_FLAGS[flag];
    if (!spec) throw new UsageError(`unknown flag ${flag} (see strata serve --help)`);
    const value = spec.kind === "boolean" ? inline : (inline ?? args[++i]);
    set(spec, value, flag);
  }
  const c = config as unknown as ServerConfig;
  if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) throw new UsageError("--tls-cert and --tls-key go together");
  if (Boolean(c.meta) !== Boolean(c.blobs)) throw new UsageError("--meta and --blobs go together (a distributed store needs both)");
  return c.meta ? { ...c, ...withAwsDefaults(c, env) } : c;
}
