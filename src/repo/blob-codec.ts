// Structured blobs (manifests, tree nodes, commits) are stored as UTF-8 JSON: readable with any tool,
// and fast enough that profiles show hashing and I/O, not encoding.
import type { BlobKind } from "../store/pack-format.ts";
import type { BlobStore } from "../store/blob-store.ts";
import { fromUtf8, utf8 } from "../util/bytes.ts";

export function putJson(blobs: BlobStore, kind: BlobKind, value: unknown): string {
  return blobs.put(kind, utf8(JSON.stringify(value)));
}

export function getJson<T>(blobs: BlobStore, hash: string): T {
  return JSON.parse(fromUtf8(blobs.get(hash))) as T;
}

/** A small LRU of decoded immutable blobs: content addressing means an entry is never stale. */
export class DecodedCache<T> {
  private map = new Map<string, T>();
  constructor(private readonly capacity: number) {}

  get(hash: string, load: () => T): T {
    const hit = this.map.get(hash);
    if (hit !== undefined) {
      this.map.delete(hash);
      this.map.set(hash, hit);
      return hit;
    }
    const value = load();
    this.map.set(hash, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
    return value;
  }
}
