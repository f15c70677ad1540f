// Storing an object = its chunks, then its manifest blob. The manifest is what a tree entry points at.
import type { BlobStore } from "../store/blob-store.ts";
import { DecodedCache, getJson, putJson } from "./blob-codec.ts";
import type { ObjectManifest } from "./model.ts";

export class Manifests {
  private readonly cache = new DecodedCache<ObjectManifest>(10_000);

  constructor(private readonly blobs: BlobStore) {}

  put(manifest: ObjectManifest): string {
    return putJson(this.blobs, "manifest", manifest);
  }

  get(hash: string): ObjectManifest {
    return this.cache.get(hash, () => getJson<ObjectManifest>(this.blobs, hash));
  }
}
