// Data dirs the CLI opens itself: fsck, gc and auth on a stopped server's dir (--data-dir), which must already be one
// (a mistyped path never becomes a new empty store), and no server may hold it.
import { DataDirError } from "../store/data-dir.ts";
import { CliError, EXIT, usageError } from "./exit.ts";
import type { OptionSpec, OptionValues } from "./command.ts";
import { type DistributedConfig, withAwsDefaults } from "../store/distributed-config.ts";

export const DATA_DIR_OPTION = {
  "data-dir": { type: "string", help: "DIR  work offline on a stopped server's data dir" },
} as const;

/** Runs `fn` (which opens the data dir), turning a dir that can't be used into exit 2 (missing, not one) or 4 (in use). */
export async function usingDataDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof DataDirError)) throw err;
    const inUse = err.problem === "in-use";
    throw new CliError(inUse ? EXIT.conflict : EXIT.usage, `${err.message}${inUse ? " (a running server's data is reached with --server)" : ""}`, inUse ? "DataDirInUse" : "NoDataDir");
  }
}

/**
 * Where a distributed store lives (serve, migrate, fsck, gc). The object store's endpoint, region and credentials
 * fall back to the usual AWS_* variables (store/distributed-config.ts).
 */
export const DISTRIBUTED_OPTIONS: Record<string, OptionSpec> = {
  meta: { type: "string", env: "STRATA_META", help: "URL  postgres://… (?schema=NAME): refs and indexes in PostgreSQL (with --blobs)" },
  blobs: { type: "string", env: "STRATA_BLOBS", help: "URL  s3://bucket/prefix: blobs in an S3-compatible object store (with --meta)" },
  "blobs-endpoint": { type: "string", env: "STRATA_BLOBS_ENDPOINT", help: "URL  the object store (else $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, else AWS S3)" },
  "blobs-region": { type: "string", env: "STRATA_BLOBS_REGION", help: "R  the object store's region (else $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1)" },
};

/** The distributed store the parsed options name, with AWS_* defaults, or undefined without --meta/--blobs. */
export function distributedConfig(values: OptionValues): DistributedConfig | undefined {
  const meta = values.meta as string | undefined;
  const blobs = values.blobs as string | undefined;
  if (!meta && !blobs) return undefined;
  if (!meta || !blobs) throw usageError("--meta and --blobs go together (a distributed store needs both)");
  return withAwsDefaults({ meta, blobs, blobsEndpoint: values["blobs-endpoint"] as string | undefined, blobsRegion: values["blobs-region"] as string | undefined });
}
