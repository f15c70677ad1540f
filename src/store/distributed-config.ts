// Where a distributed store lives: the PostgreSQL URL, the bucket and prefix, and how to reach the object store.
// Shared by `strata serve` and the offline verbs (migrate, fsck, gc).
import process from "node:process";
import { ObjectStore, parseBlobsUrl } from "./object-store.ts";
import { RemoteStore } from "./remote-store.ts";

export interface DistributedConfig {
  meta?: string;
  blobs?: string;
  blobsEndpoint?: string;
  blobsRegion?: string;
  blobsAccessKeyId?: string;
  blobsSecretAccessKey?: string;
}

/** Fills what flags left open from the usual AWS_* variables. */
export function withAwsDefaults(config: DistributedConfig, env: Record<string, string | undefined> = process.env): DistributedConfig {
  return {
    ...config,
    blobsEndpoint: config.blobsEndpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
    blobsRegion: config.blobsRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    blobsAccessKeyId: config.blobsAccessKeyId ?? env.AWS_ACCESS_KEY_ID,
    blobsSecretAccessKey: config.blobsSecretAccessKey ?? env.AWS_SECRET_ACCESS_KEY,
  };
}

export function objectStoreOf(config: DistributedConfig): ObjectStore {
  const { bucket, prefix } = parseBlobsUrl(config.blobs ?? "");
  const region = config.blobsRegion ?? "us-east-1";
  return new ObjectStore({
    endpoint: config.blobsEndpoint ?? `https://s3.${region}.amazonaws.com`,
    region,
    bucket,
    prefix,
    accessKeyId: config.blobsAccessKeyId ?? "",
    secretAccessKey: config.blobsSecretAccessKey ?? "",
  });
}

/** `budgets`: bytes of blob payloads and of blob locations kept in memory (default: RemoteStore's). */
export function openRemoteStore(config: DistributedConfig, budgets: { cacheBytes?: number; locationBytes?: number } = {}): Promise<RemoteStore> {
  if (!config.meta || !config.blobs) throw new Error("a distributed store needs both --meta and --blobs");
  return RemoteStore.open({ meta: config.meta, objects: objectStoreOf(config), ...budgets });
}
