// Everything the protocol layers (S3, admin) need from the versioned model, behind one object.
import type { Store } from "../store/store.ts";
import { Manifests } from "./manifests.ts";
import type { ObjectManifest } from "./model.ts";
import { Multipart } from "./multipart.ts";
import { type ChunkRef, readChunks, storeStream, type StoredBytes } from "./objects.ts";
import { VersionedStore } from "./versioned-store.ts";

export class RepoService {
  readonly versions: VersionedStore;
  readonly manifests: Manifests;
  readonly multipart: Multipart;

  constructor(readonly store: Store) {
    this.versions = new VersionedStore(store);
    this.manifests = new Manifests(store.blobs);
    this.multipart = new Multipart(store);
  }

  /** Streams bytes into chunks; nothing is visible until a manifest that names them is committed. */
  ingest(body: ReadableStream<Uint8Array> | null, options: { md5?: boolean; maxSize?: number } = {}): Promise<StoredBytes> {
    return storeStream(this.store.blobs, body, options);
  }

  read(chunks: ChunkRef[], start: number, end: number): ReadableStream<Uint8Array> {
    return readChunks(this.store.blobs, chunks, start, end);
  }

  readObject(manifest: ObjectManifest, start = 0, end = manifest.size - 1): ReadableStream<Uint8Array> {
    return this.read(manifest.chunks, start, end);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
