// Structured blobs (manifests, tree nodes, commits) are stored as UTF-8 JSON: readable with any tool,
// and fast enough that profiles show hashing and I/O, not encoding.
import type { BlobKind } from "../store/pack-format.ts";
import type { BlobStore } from "../store/blob-store.ts";
import { fromUtf8, utf8 } from "../util/bytes.ts";

export function putJson(blobs: BlobStore, kind: BlobKind, value: unknown): string {
  return blobs.put(kind, utf8(JSON.stringify(value)), true);
}

export function getJson<T>(blobs: BlobStore, hash: string): T {
  return JSON.parse(fromUtf8(blobs.get(hash))) as T;
}

/**
 * A bounded cache of decoded immutable blobs: content addressing means an entry is never stale.
 *
 * Two generations instead of an LRU list: a hit in the young map costs one lookup, a hit in the old map copies the
 * entry to the young one, and when the young map is full it becomes the old one (dropping the previous old one).
 * What is used keeps being copied forward; what is not goes within two generations. An LRU built on Map
 * delete+set looked cheap but cost ~20 µs per hit on a 50,000-entry map in Bun (the table is rehashed as
 * deletions pile up), which made tree lookups the largest cost of a small GET.
 */
export class DecodedCache<T> {
  private young = new Map<string, T>();
  private old = new Map<string, T>();
  private readonly generation: number;

  /** Holds at most `capacity` entries (two generations of half of it). */
  constructor(capacity: number) {
    this.generation = Math.max(1, Math.ceil(capacity / 2));
  }

  get(hash: string, load: () => T): T {
    const hit = this.young.get(hash);
    if (hit !== undefined) return hit;
    const value = this.old.get(hash) ?? load();
    this.remember(hash, value);
    return value;
  }

  private remember(hash: string, value: T): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(hash, value);
  }
}
