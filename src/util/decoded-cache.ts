// A byte-bounded cache of immutable values (decoded blobs, blob bytes), in two generations.

export interface Sized<T> {
  value: T;
  /** What the value weighs in a DecodedCache: the size of its JSON, a stand-in for its size in memory. */
  bytes: number;
}

/**
 * A cache of decoded immutable blobs, bounded by the size of their JSON: content addressing means an entry is
 * never stale. The budget is in bytes, not entries: tree nodes range from a few hundred bytes to tens of KB
 * (keys of up to 1 KiB), and caps of 50,000-100,000 entries let a busy server's heap grow past 300 MB, which
 * also made every garbage collection longer. Decoded objects take roughly 2-3 times their JSON.
 *
 * Two generations instead of an LRU list: a hit in the young map costs one lookup, a hit in the old map copies the
 * entry to the young one, and when the young map is full it becomes the old one (dropping the previous old one).
 * What is used keeps being copied forward; what is not goes within two generations. An LRU built on Map
 * delete+set looked cheap but cost ~20 µs per hit on a 50,000-entry map in Bun (the table is rehashed as
 * deletions pile up), which made tree lookups the largest cost of a small GET.
 */
export class DecodedCache<T> {
  private young = new Map<string, Sized<T>>();
  private old = new Map<string, Sized<T>>();
  private youngBytes = 0;
  private readonly generationBytes: number;

  /** Holds values whose JSON adds up to at most about `budgetBytes` (two generations of half of it). */
  constructor(budgetBytes: number) {
    this.generationBytes = Math.max(1, budgetBytes / 2);
  }

  /** The cached value, without loading it. */
  peek(key: string): T | undefined {
    return (this.young.get(key) ?? this.old.get(key))?.value;
  }

  /** The cached value, kept young (a hit in the old generation is copied forward), without loading it. */
  use(key: string): T | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit.value;
    const old = this.old.get(key);
    if (old === undefined) return undefined;
    this.remember(key, old);
    return old.value;
  }

  get(key: string, load: () => Sized<T>): T {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit.value;
    const entry = this.old.get(key) ?? load();
    this.remember(key, entry);
    return entry.value;
  }

  /** Forgets one value (it is no longer true: a location gc changed). */
  delete(key: string): void {
    const young = this.young.get(key);
    if (young) this.youngBytes -= young.bytes;
    this.young.delete(key);
    this.old.delete(key);
  }

  /** Entries held (a key in both generations counts twice: the bound is what matters). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Forgets every value (memory pressure: what is used comes back on its next read). */
  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.youngBytes = 0;
  }

  /** Caches a value just written (or computed), with its weight. */
  remember(key: string, entry: Sized<T>): void {
    if (this.youngBytes + entry.bytes > this.generationBytes && this.young.size > 0) {
      this.old = this.young;
      this.young = new Map();
      this.youngBytes = 0;
    }
    this.young.set(key, entry);
    this.youngBytes += entry.bytes;
  }
}
