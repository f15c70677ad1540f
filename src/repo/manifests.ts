// Storing an object = its chunks, then its manifest blob. The manifest is what a tree entry points at.
import type { BlobBackend } from "../store/store.ts";
import { DecodedCache, getJsonSized, putJsonSized } from "./blob-codec.ts";
import type { ObjectManifest } from "./model.ts";

export class Manifests {
  private readonly cache: DecodedCache<ObjectManifest>;

  /** `cacheBytes`: JSON bytes of decoded manifests kept (budgets: util/memory-budget.ts). */
  constructor(private readonly blobs: BlobBackend, cacheBytes: number) {
    this.cache = new DecodedCache<ObjectManifest>(cacheBytes);
  }

  /** Forgets the decoded manifests (memory pressure). */
  dropCache(): void {
    this.cache.clear();
  }

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
