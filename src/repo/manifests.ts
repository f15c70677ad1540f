// Storing an object = its chunks, then its manifest blob. The manifest is what a tree entry points at.
import type { BlobBackend } from "../store/store.ts";
import { DecodedCache, getJsonSized, putJsonSized } from "./blob-codec.ts";
import type { ObjectManifest } from "./model.ts";

export class Manifests {
  /** A small object's manifest is ~250 bytes of JSON: 8 MiB keeps those of ~30,000 recently used objects. */
  private readonly cache = new DecodedCache<ObjectManifest>(8 * 1024 * 1024);

  constructor(private readonly blobs: BlobBackend) {}

  /** Stores a manifest, which the caller must not change afterwards (it stays cached for the reads that follow). */
  put(manifest: ObjectManifest): string {
    const { hash, bytes } = putJsonSized(this.blobs, "manifest", manifest);
    this.cache.remember(hash, { value: manifest, bytes });
    return hash;
  }

  get(hash: string): ObjectManifest {
    return this.cache.get(hash, () => getJsonSized<ObjectManifest>(this.blobs, hash));
  }
}
