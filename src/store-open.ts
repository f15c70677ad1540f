// Which store a server (or an offline command) runs on: the embedded one in a data dir, or, with --meta and
// --blobs, the distributed one (PostgreSQL + an S3-compatible object store).
import type { ServerConfig } from "./config.ts";
import { ObjectStore, parseBlobsUrl } from "./store/object-store.ts";
import { RemoteStore } from "./store/remote-store.ts";

export type DistributedConfig = Pick<ServerConfig, "meta" | "blobs" | "blobsEndpoint" | "blobsRegion" | "blobsAccessKeyId" | "blobsSecretAccessKey">;

export function objectStoreOf(config: DistributedConfig): ObjectStore {
  const { bucket, prefix } = parseBlobsUrl(config.blobs!);
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

export function openRemoteStore(config: DistributedConfig): Promise<RemoteStore> {
  return RemoteStore.open({ meta: config.meta!, objects: objectStoreOf(config) });
}
