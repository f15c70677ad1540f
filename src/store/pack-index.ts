// Lookup tables from blob hash to location: a Map for the active pack, sorted binary files for sealed ones
// (docs/format.md, "Pack indexes").
import { compareBytes, hexInto, toHex } from "../util/bytes.ts";
import { recordChecksum } from "./checksum.ts";
import { type BlobKind, type BlobLocation, HASH_BYTES, IDX_ENTRY, IDX_MAGIC, kindCode, kindName } from "./pack-format.ts";

/** Bloom filter bits per entry: with four probes, ~1% of absent hashes get past it. */
const BLOOM_BITS_PER_ENTRY = 10;
const BLOOM_PROBES = 4;
/** An index gets its Bloom filter on this lookup (see SealedIndex.filter). */
const BLOOM_AFTER_LOOKUPS = 16;

/**
 * The sorted index of a sealed pack, kept as one buffer and searched by bisection, behind a Bloom filter.
 * A new blob is looked up in every sealed pack before it is written: without the filter, a store of
 * thousands of packs (tens of GB) would bisect thousands of indexes per blob written.
 */
export class SealedIndex {
  /** Bit i set when some entry's hash probes i; probes are 32-bit words of the hash (SHA-256 bytes are uniform). */
  private bloom: Uint32Array | undefined;
  private bloomMask = 0;
  /** Lookups so far, until the filter is built (BLOOM_AFTER_LOOKUPS). */
  private lookups = 0;
  /** Over `entries`, made once: a DataView (and a BigInt offset) per found blob was the cost of a lookup. */
  private readonly view: DataView;

  /**
   * The idx file as read, until its checksum is checked (verify()). Checking every index at open cost most of a
   * start-up on a store of a thousand packs (CRC32C over ~90 MB of indexes for 1M objects), so it waits for the
   * first lookup that needs the index's answer (BlobStore.locate).
   */
  private unchecked: Uint8Array | undefined;

  private constructor(
    readonly pack: number,
    private readonly entries: Uint8Array,
    readonly count: number,
    file?: Uint8Array,
  ) {
    this.unchecked = file;
    this.view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
  }

  /**
   * The filter is built on an index's BLOOM_AFTER_LOOKUPS-th lookup, not when it is read: the first request after a
   * start walks hundreds of indexes once (building their filters was a seventh of that start), and a bisection
   * alone is ~11 comparisons.
   */
  private filter(): Uint32Array {
    if (this.bloom) return this.bloom;
    const bits = 2 ** Math.max(5, Math.ceil(Math.log2(this.count * BLOOM_BITS_PER_ENTRY || 1)));
    const bloom = new Uint32Array(bits / 32);
    const mask = bits - 1;
    const entries = this.entries;
    // Inlined, over locals (the words probe() reads): opening a thousand packs builds ~2M entries' filters, and a
    // probe() call and field reads per bit cost ~20% more (a DataView's big-endian getUint32, twice as much).
    for (let at = 0, end = this.count * IDX_ENTRY; at < end; at += IDX_ENTRY) {
      for (let p = at; p < at + 4 * BLOOM_PROBES; p += 4) {
        const bit = ((entries[p] << 24) | (entries[p + 1] << 16) | (entries[p + 2] << 8) | entries[p + 3]) & mask;
        bloom[bit >>> 5] |= 1 << (bit & 31);
      }
    }
    this.bloomMask = mask;
    return (this.bloom = bloom);
  }

  /** False when the hash is surely absent; true when it may be present. */
  mayHave(hash: Uint8Array): boolean {
    const bloom = this.filter();
    for (let p = 0; p < BLOOM_PROBES; p++) {
      const bit = probe(hash, 4 * p) & this.bloomMask;
      if ((bloom[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  static build(pack: number, locations: ReadonlyMap<string, BlobLocation>): SealedIndex {
    // Lower-case hex sorts as its bytes do: the engine's own string sort (no comparator) takes ~5 ms for a pack of
    // 37,000 small blobs, where sorting decoded hashes with a byte comparator took ~60 ms on the writers' thread.
    const sorted = [...locations.keys()].sort();
    const entries = new Uint8Array(sorted.length * IDX_ENTRY);
    const view = new DataView(entries.buffer);
    sorted.forEach((hash, i) => {
      const loc = locations.get(hash)!;
      const at = i * IDX_ENTRY;
      hexInto(hash, entries, at);
      view.setUint32(at + HASH_BYTES, loc.offset % 2 ** 32, true); // u64 LE offset, as two halves
      view.setUint32(at + HASH_BYTES + 4, Math.floor(loc.offset / 2 ** 32), true);
      view.setUint32(at + HASH_BYTES + 8, loc.length, true);
      entries[at + HASH_BYTES + 12] = kindCode(loc.kind);
    });
    return new SealedIndex(pack, entries, sorted.length);
  }

  /**
   * Parses an idx file, which it keeps (no copy); undefined when its form is wrong (the caller rebuilds it from the
   * pack). Its checksum is checked later, by verify().
   */
  static parse(pack: number, file: Uint8Array): SealedIndex | undefined {
    if (file.length < IDX_MAGIC.length + 8) return undefined;
    if (compareBytes(file.subarray(0, IDX_MAGIC.length), IDX_MAGIC) !== 0) return undefined;
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const count = view.getUint32(IDX_MAGIC.length, true);
    const start = IDX_MAGIC.length + 4;
    if (file.length !== start + count * IDX_ENTRY + 4) return undefined;
    return new SealedIndex(pack, file.subarray(start, start + count * IDX_ENTRY), count, file);
  }

  /** Whether the idx file's checksum was checked (an index built from its pack needs none). */
  get verified(): boolean {
    return this.unchecked === undefined;
  }

  /** Checks the idx file's checksum once; false when it is damaged (the caller rebuilds it from the pack). */
  verify(): boolean {
    const file = this.unchecked;
    if (file === undefined) return true;
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    if (view.getUint32(file.length - 4, true) !== recordChecksum(file.subarray(0, file.length - 4))) return false;
    this.unchecked = undefined;
    return true;
  }

  serialize(): Uint8Array {
    const out = new Uint8Array(IDX_MAGIC.length + 4 + this.entries.length + 4);
    const view = new DataView(out.buffer);
    out.set(IDX_MAGIC, 0);
    view.setUint32(IDX_MAGIC.length, this.count, true);
    out.set(this.entries, IDX_MAGIC.length + 4);
    view.setUint32(out.length - 4, recordChecksum(out.subarray(0, out.length - 4)), true);
    return out;
  }

  find(hash: Uint8Array): BlobLocation | undefined {
    if ((this.bloom || ++this.lookups >= BLOOM_AFTER_LOOKUPS) && !this.mayHave(hash)) return undefined;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compareAt(mid, hash);
      if (c === 0) return this.at(mid);
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Entry i's hash against `hash`, in place: a subarray per bisection step cost more than the comparison. */
  private compareAt(i: number, hash: Uint8Array): number {
    const base = i * IDX_ENTRY;
    for (let j = 0; j < HASH_BYTES; j++) {
      const d = this.entries[base + j] - hash[j];
      if (d !== 0) return d;
    }
    return 0;
  }

  *all(): Generator<[string, BlobLocation]> {
    for (let i = 0; i < this.count; i++) {
      yield [toHex(this.entries.subarray(i * IDX_ENTRY, i * IDX_ENTRY + HASH_BYTES)), this.at(i)];
    }
  }

  private at(i: number): BlobLocation {
    const at = i * IDX_ENTRY;
    const view = this.view;
    return {
      pack: this.pack,
      offset: view.getUint32(at + HASH_BYTES, true) + view.getUint32(at + HASH_BYTES + 4, true) * 2 ** 32, // u64 LE, as build writes it
      length: view.getUint32(at + HASH_BYTES + 8, true),
      kind: kindName(this.entries[at + HASH_BYTES + 12]) as BlobKind,
    };
  }
}

/** The file's bytes before its entries (magic, count) and after them (checksum). */
const IDX_FRAME = IDX_MAGIC.length + 4 + 4;

/**
 * A sealed pack's index file, read and parsed on its first use. Reading every index at open was most of a
 * start-up on a store of a thousand packs (~90 MB of indexes and their Bloom filters for 1M objects, before the
 * first answer); now a lookup reads the indexes it walks, newest first, up to the pack that holds the blob.
 * An index read here is unchecked until verify(), as SealedIndex.parse's are; one whose form is wrong finds
 * nothing and fails verify(), so its owner rebuilds it from its pack (BlobStore.locate).
 */
export class IndexFile {
  /** null: the file's form is wrong */
  private index: SealedIndex | null | undefined;

  constructor(
    readonly pack: number,
    private readonly file: { read: () => Uint8Array; size: () => number },
  ) {}

  private loaded(): SealedIndex | null {
    if (this.index === undefined) this.index = SealedIndex.parse(this.pack, this.file.read()) ?? null;
    return this.index;
  }

  /** Entries in the index (from the file's size while it is unread). */
  get count(): number {
    if (this.index === undefined) return Math.max(0, Math.floor((this.file.size() - IDX_FRAME) / IDX_ENTRY));
    return this.index?.count ?? 0;
  }

  get verified(): boolean {
    return this.index?.verified ?? false;
  }

  verify(): boolean {
    return this.loaded()?.verify() ?? false;
  }

  find(hash: Uint8Array): BlobLocation | undefined {
    return this.loaded()?.find(hash);
  }

  *all(): Generator<[string, BlobLocation]> {
    const index = this.loaded();
    if (index) yield* index.all();
  }
}

/** The 32-bit word at `at` (big-endian), as an unsigned number. */
function probe(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}
