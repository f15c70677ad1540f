// Content-addressed blobs in append-only pack files. A blob is written once; its SHA-256 is its name
// (docs/format.md, "Packs").
import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import * as path from "node:path";
import { fromHex, toHex } from "../util/bytes.ts";
import { digest } from "../hash/hashing.ts";
import { createPrivateFile, DIR_MODE, fdatasync, fsyncDir, writeAllAt, writeFileDurably } from "./fs-async.ts";
import {
  type BlobKind,
  type BlobLocation,
  bodyChecksum,
  encodeRecord,
  idxName,
  MAGIC_BYTES,
  PACK_MAGIC,
  PACK_VERSION,
  packName,
  type PackVersion,
  packVersion,
  RECORD_HEAD,
  RECORD_OVERHEAD,
} from "./pack-format.ts";
import { IndexFile, SealedIndex } from "./pack-index.ts";
import { scanPack } from "./pack-scan.ts";
import type { DiskSpace } from "./disk-space.ts";
import { DiskFullError } from "../util/unavailable.ts";
import { mapFile } from "../runtime/map-file.ts";

export class BlobMissingError extends Error {
  constructor(readonly hash: string) {
    super(`blob ${hash} is missing from the store`);
  }
}

export class BlobCorruptError extends Error {
  constructor(readonly hash: string, where: string) {
    super(`blob ${hash} is damaged (${where}): refusing to return its bytes`);
  }
}

/** The payload of a whole record read back for `hash`; a bad checksum or hash field throws, never returns wrong bytes. */
export function recordPayload(record: Uint8Array, hash: string, version: PackVersion, where: string): Uint8Array {
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  const body = record.subarray(4, record.length - 4);
  if (record.length < RECORD_HEAD + 4 || view.getUint32(0, true) !== body.length || view.getUint32(record.length - 4, true) !== bodyChecksum(version, body)) {
    throw new BlobCorruptError(hash, `checksum mismatch in ${where}`);
  }
  if (toHex(record.subarray(5, RECORD_HEAD)) !== hash) throw new BlobCorruptError(hash, "hash field mismatch");
  return record.subarray(RECORD_HEAD, record.length - 4);
}

export interface BlobStoreOptions {
  /** A pack is sealed once it grows past this many bytes. */
  packLimit: number;
  /** New object data (chunks) is refused when it would eat into the reserve; absent: never refused. */
  space?: DiskSpace;
}

/**
 * Appended records wait in memory until this many bytes are pending (or the next sync), then go out in one
 * writev: a small PUT appends ~9 blobs, and a write syscall each was a fifth of its CPU time.
 */
const APPEND_BUFFER_BYTES = 1024 * 1024;
/**
 * A payload the caller lends (not handed over) of at least this size is written out at once, with whatever waits
 * before it, instead of being copied to wait: a copy of a chunk costs a fresh buffer (page faults) and a memcpy,
 * one more writev costs a syscall.
 */
const WRITE_AT_ONCE_BYTES = 64 * 1024;
/** writev takes at most IOV_MAX (1024 on Linux) buffers; a record is three. */
const APPEND_BUFFER_PARTS = 1020;

export class BlobStore {
  private readonly dir: string;
  private sealed: Array<SealedIndex | IndexFile> = []; // newest last
  /** Whether every sealed index's checksum was checked (indexes sealed here need none; see locate). */
  private allChecked = false;
  private readonly readFds = new Map<number, { fd: number; version: PackVersion }>();
  private active!: { seq: number; fd: number; version: PackVersion; size: number; index: Map<string, BlobLocation> };
  private dirty = false;
  /** Records appended to the active pack but not yet written: they start at `pendingAt` in its file. */
  private pending: Uint8Array[] = [];
  private pendingAt = 0;
  private pendingBytes = 0;
  /** The last write of waiting records failed (full disk): they are still waiting. */
  private writeFailed = false;
  /** Chunks put again while already stored, and their bytes: what deduplication saved (for metrics). */
  readonly deduplicated = { chunks: 0, bytes: 0 };
  private syncs = 0;
  /** Blobs reused (put again or retained) since the running gc began; null when no gc runs. */
  private gcTouched: Set<string> | null = null;

  constructor(dataDir: string, private readonly options: BlobStoreOptions) {
    this.dir = path.join(dataDir, "packs");
    fs.mkdirSync(this.dir, { recursive: true, mode: DIR_MODE });
    this.open();
  }

  private open(): void {
    const names = fs.readdirSync(this.dir);
    const seqs = names
      .filter((n) => /^\d{8}\.pack$/.test(n))
      .map((n) => Number.parseInt(n, 10))
      .sort((a, b) => a - b);
    const present = new Set(names);
    // An idx without its pack was left by a gc that crashed between deleting the two; temp files by a crash.
    for (const n of names) {
      const stray = (/^\d{8}\.idx$/.test(n) && !present.has(packName(Number.parseInt(n, 10)))) || n.endsWith(".tmp");
      if (stray) fs.rmSync(path.join(this.dir, n), { force: true });
    }
    // The newest pack is the active one unless it was sealed (has an index), as after a crash right after sealing.
    const last = seqs.at(-1);
    const lastSealed = last !== undefined && present.has(idxName(last));
    const active = last === undefined ? 1 : lastSealed ? last + 1 : last;
    for (const seq of seqs) if (seq !== active) this.sealed.push(this.loadSealedIndex(seq, present.has(idxName(seq))));
    this.openActive(active);
  }

  /** A sealed pack's index: its file, read on first use; rebuilt from the pack now when there is none. */
  private loadSealedIndex(seq: number, hasIdx: boolean): SealedIndex | IndexFile {
    const idxPath = path.join(this.dir, idxName(seq));
    if (hasIdx) return new IndexFile(seq, { read: () => mapFile(idxPath), size: () => fs.statSync(idxPath).size });
    return this.rebuildIndex(seq);
  }

  /** A missing or damaged index is rebuilt from its pack: packs are the source of truth. */
  private rebuildIndex(seq: number): SealedIndex {
    const index = SealedIndex.build(seq, this.scanLocations(seq));
    this.writeIndex(index);
    return index;
  }

  private scanLocations(seq: number, scan = scanPack(path.join(this.dir, packName(seq)))): Map<string, BlobLocation> {
    const index = new Map<string, BlobLocation>();
    for (const r of scan.records) index.set(r.hash, { pack: seq, offset: r.offset, length: r.length, kind: r.kind });
    return index;
  }

  private openActive(seq: number): void {
    const file = path.join(this.dir, packName(seq));
    let index = new Map<string, BlobLocation>();
    let size: number;
    let version = PACK_VERSION;
    if (fs.existsSync(file)) {
      const scan = scanPack(file);
      index = this.scanLocations(seq, scan);
      size = Math.max(scan.end, MAGIC_BYTES);
      if (scan.end < MAGIC_BYTES) createPrivateFile(file, PACK_MAGIC);
      else fs.truncateSync(file, scan.end); // drop a torn tail: it was never acknowledged
      version = scan.version; // an older pack keeps its own checksum for the records appended to it
    } else {
      createPrivateFile(file, PACK_MAGIC);
      fsyncDir(this.dir);
      size = MAGIC_BYTES;
    }
    const fd = fs.openSync(file, "r+");
    this.active = { seq, fd, version, size, index };
  }

  /**
   * Stores a blob (once) and returns its hash. Durable only after the next sync(). With `handedOver`, the caller
   * never touches the payload again, so it waits for its write without being copied.
   */
  put(kind: BlobKind, payload: Uint8Array, handedOver = false): string {
    return this.putDigested(kind, payload, digest("sha256", payload), handedOver);
  }

  /**
   * put() for a payload whose SHA-256 the caller has just computed (off-thread, for large objects).
   * The digest must be the payload's: it becomes the blob's name.
   */
  putDigested(kind: BlobKind, payload: Uint8Array, hashBytes: Uint8Array, handedOver = false): string {
    const hash = toHex(hashBytes);
    if (this.locate(hash, hashBytes)) {
      if (kind === "chunk") {
        this.deduplicated.chunks++;
        this.deduplicated.bytes += payload.length;
      }
      this.gcTouched?.add(hash); // reused while gc runs: live, whatever the mark found
      return hash;
    }
    if (kind === "chunk") this.admit(payload.length); // object bytes; every other kind is small metadata
    this.append(kind, hashBytes, hash, payload, handedOver);
    return hash;
  }

  /**
   * Throws DiskFullError when `bytes` of new object data would leave less than the reserve free, or when records
   * that a full disk refused still wait in memory and still can't be written (so they stop piling up).
   */
  admit(bytes: number): void {
    if (this.writeFailed) this.writePending();
    this.options.space?.admit(bytes + RECORD_HEAD + 4);
  }

  /** Free bytes on the data dir's disk, asked now (Infinity when not watched). */
  freeBytes(): number {
    return this.options.space?.free(true) ?? Infinity;
  }

  private append(kind: BlobKind, hashBytes: Uint8Array, hash: string, payload: Uint8Array, handedOver = false): void {
    const a = this.active;
    // Unless handed over, the payload is copied while it waits: the caller may reuse its buffer once put() returns.
    const borrowed = !handedOver && payload.length >= WRITE_AT_ONCE_BYTES;
    const record = encodeRecord(a.version, kind, hashBytes, handedOver || borrowed ? payload : payload.slice());
    if (this.pending.length === 0) this.pendingAt = a.size;
    this.pending.push(...record);
    this.pendingBytes += RECORD_HEAD + payload.length + 4;
    // Accounted before any write: a write that a full disk refuses leaves the record waiting, in the index and at its offset.
    a.index.set(hash, { pack: a.seq, offset: a.size + RECORD_HEAD, length: payload.length, kind });
    a.size += RECORD_HEAD + payload.length + 4;
    this.dirty = true;
    if (borrowed || this.pendingBytes >= APPEND_BUFFER_BYTES || this.pending.length >= APPEND_BUFFER_PARTS) this.writePending();
    if (a.size >= this.options.packLimit) this.seal();
  }

  /**
   * Declares that a new reference to an existing blob is about to be committed (e.g. a manifest named by a
   * write): while gc runs this keeps the blob alive. Throws when the blob is gone, so that a write never
   * commits a reference to a missing blob.
   */
  retain(hash: string): void {
    if (!this.locate(hash)) throw new BlobMissingError(hash);
    this.gcTouched?.add(hash);
  }

  // ---- gc support: see src/repo/gc.ts for the protocol ----

  /**
   * Starts tracking reused blobs and seals the active pack, so that every blob written from now on lands in
   * a pack numbered at or above the returned boundary, which this gc round never sweeps.
   */
  beginGc(): { boundary: number; touched: ReadonlySet<string> } {
    if (this.gcTouched) throw new Error("gc is already running on this store");
    this.gcTouched = new Set();
    if (this.active.index.size > 0) this.seal();
    return { boundary: this.active.seq, touched: this.gcTouched };
  }

  /** Whether a gc is running (writers then retain the existing blobs they name). */
  get gcRunning(): boolean {
    return this.gcTouched !== null;
  }

  endGc(): void {
    this.gcTouched = null;
  }

  /** Sealed packs with their byte size and the time of their last write, oldest first. */
  sealedPacks(): Array<{ seq: number; bytes: number; written: number }> {
    return this.sealed.map((s) => {
      const st = fs.statSync(path.join(this.dir, packName(s.pack)));
      return { seq: s.pack, bytes: st.size, written: st.mtimeMs };
    });
  }

  /** The blobs a sealed pack holds (including copies that newer packs supersede). */
  packEntries(seq: number): Array<[string, BlobLocation]> {
    const i = this.sealed.findIndex((s) => s.pack === seq);
    if (i < 0) return [];
    this.checked(i);
    return [...this.sealed[i].all()];
  }

  /** Where a blob is read from now (the newest copy). */
  where(hash: string): BlobLocation | undefined {
    return this.locate(hash);
  }

  /** Appends a fresh copy of a blob to the active pack (verified on the way); readers use it from now on. */
  relocate(hash: string): void {
    const loc = this.locate(hash);
    if (!loc) throw new BlobMissingError(hash);
    const payload = this.get(hash);
    this.append(loc.kind, fromHex(hash), hash, payload, true);
  }

  /**
   * Forgets a sealed pack and deletes it (pack first, then its index: a crash in between leaves a stray index,
   * which open() removes). Synchronous, so no read can fall between the index swap and the unlink.
   */
  dropPack(seq: number): void {
    const i = this.sealed.findIndex((s) => s.pack === seq);
    if (i < 0 || seq === this.active.seq) throw new Error(`pack ${seq} is not a sealed pack`);
    this.sealed.splice(i, 1);
    const open = this.readFds.get(seq);
    if (open !== undefined) fs.closeSync(open.fd);
    this.readFds.delete(seq);
    fs.rmSync(path.join(this.dir, packName(seq)), { force: true });
    fs.rmSync(path.join(this.dir, idxName(seq)), { force: true });
    fsyncDir(this.dir);
  }

  /** Every pack file: sealed ones and the active one (with its current size: later appends are not included). */
  packFiles(): Array<{ seq: number; path: string; size: number; sealed: boolean }> {
    this.writePending(); // the active pack's bytes up to its size are in the file for whoever reads it
    const files = this.sealed.map((s) => {
      const file = path.join(this.dir, packName(s.pack));
      return { seq: s.pack, path: file, size: fs.statSync(file).size, sealed: true };
    });
    files.push({ seq: this.active.seq, path: path.join(this.dir, packName(this.active.seq)), size: this.active.size, sealed: false });
    return files;
  }

  has(hash: string): boolean {
    return this.locate(hash) !== undefined;
  }

  /** Reads a blob, verifying its record checksum; damaged or missing blobs throw, never return wrong bytes. */
  get(hash: string): Uint8Array {
    const loc = this.locate(hash);
    if (!loc) throw new BlobMissingError(hash);
    return this.readAt(hash, loc);
  }

  /** Reads the copy of a blob at one location (not necessarily the newest), verifying its record checksum. */
  readAt(hash: string, loc: BlobLocation): Uint8Array {
    // A blob put moments ago may still wait in memory (or, on a full disk, be unable to leave it): read it there.
    if (this.isPending(loc)) return this.pendingPayload(loc.offset - RECORD_HEAD).slice();
    // Not zero-filled: every byte is read over (a short read throws). Zeroing a fresh MiB cost ~40 µs.
    const raw = Buffer.allocUnsafeSlow(RECORD_OVERHEAD + loc.length);
    return this.readRecords([hash], [loc], new Uint8Array(raw.buffer, raw.byteOffset, raw.length))[0];
  }

  /**
   * Reads blobs that lie back to back in one pack with one read into `into`, each record's checksum verified in
   * place: the payloads of the longest leading run of `hashes` whose records follow each other in a pack and fit
   * in `into` together, as views of `into` (a blob still waiting in memory comes alone, as that memory). Empty
   * when the first record alone does not fit. A streamed read of a large object takes its chunks so, in a buffer
   * it reuses: a fresh buffer per chunk cost thousands of page faults per 64 MiB (docs/benchmarks.md, "Large GET").
   */
  readRun(hashes: readonly string[], into: Uint8Array): Uint8Array[] {
    const first = this.locate(hashes[0]);
    if (!first) throw new BlobMissingError(hashes[0]);
    if (this.isPending(first)) return [this.pendingPayload(first.offset - RECORD_HEAD)];
    const locs = [first];
    let bytes = RECORD_OVERHEAD + first.length;
    if (bytes > into.length) return [];
    for (let i = 1; i < hashes.length; i++) {
      const loc = this.locate(hashes[i]);
      const next = bytes + RECORD_OVERHEAD + (loc?.length ?? 0);
      if (!loc || loc.pack !== first.pack || loc.offset !== first.offset + bytes || next > into.length || this.isPending(loc)) break;
      locs.push(loc);
      bytes = next;
    }
    return this.readRecords(hashes.slice(0, locs.length), locs, into.subarray(0, bytes));
  }

  /** Whether the record at `loc` waits in memory still (see append): it is read there, not from the file. */
  private isPending(loc: BlobLocation): boolean {
    return loc.pack === this.active.seq && this.pending.length > 0 && loc.offset - RECORD_HEAD >= this.pendingAt;
  }

  /** Reads consecutive records of one pack, filling `into` exactly, and returns their checked payloads as views of it. */
  private readRecords(hashes: readonly string[], locs: BlobLocation[], into: Uint8Array): Uint8Array[] {
    const { pack } = locs[0];
    const start = locs[0].offset - RECORD_HEAD;
    const { fd, version } = this.packFor(pack);
    const n = fs.readSync(fd, into, 0, into.length, start);
    if (n !== into.length) {
      const cut = locs.findIndex((l) => l.offset + l.length + 4 - start > n); // the first record not read whole
      throw new BlobCorruptError(hashes[cut], `short read in pack ${pack}`);
    }
    return locs.map((loc, i) => {
      const at = loc.offset - RECORD_HEAD - start;
      return recordPayload(into.subarray(at, at + RECORD_OVERHEAD + loc.length), hashes[i], version, `pack ${pack} at ${start + at}`);
    });
  }

  /** Makes every blob put so far durable. Called by the store's group commit, not per write. */
  async sync(): Promise<void> {
    if (!this.dirty) return;
    this.writePending(); // before dirty is cleared: a full disk leaves it set, for the next sync to try again
    this.dirty = false;
    await fdatasync(this.active.fd);
    this.syncs++;
  }

  /**
   * Seals the active pack: fsync it, write its sorted index beside it, start the next pack. Nothing changes in
   * memory until every step is done; a full disk midway leaves the pack active (and no index beside it, which
   * would make the next start take it for sealed and miss what is appended to it).
   */
  private seal(): void {
    const a = this.active;
    this.writePending();
    fs.fsyncSync(a.fd);
    const index = SealedIndex.build(a.seq, a.index);
    this.writeIndex(index);
    try {
      this.openActive(a.seq + 1);
    } catch (err) {
      fs.rmSync(path.join(this.dir, idxName(a.seq)), { force: true });
      fs.rmSync(path.join(this.dir, packName(a.seq + 1)), { force: true });
      throw err;
    }
    this.sealed.push(index);
    this.readFds.set(a.seq, { fd: a.fd, version: a.version });
    this.dirty = false;
  }

  /**
   * Writes the records waiting in memory to the active pack, in one writev. When the disk is full they stay
   * waiting (in the index, at their offsets) and what did land is cut off, so the file never holds a torn record
   * followed by good ones; the next call writes them all again.
   */
  private writePending(): void {
    if (this.pending.length === 0) return;
    try {
      writeAllAt(this.active.fd, this.pending, this.pendingAt);
    } catch (err) {
      this.writeFailed = true;
      try {
        fs.ftruncateSync(this.active.fd, this.pendingAt);
      } catch {
        // Still torn: the next write starts at pendingAt again and overwrites it, and open() cuts a torn tail.
      }
      throw err;
    }
    this.writeFailed = false;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The payload of the record at `recordStart` among the records waiting in memory (triples: head, payload, tail). */
  private pendingPayload(recordStart: number): Uint8Array {
    let at = this.pendingAt;
    for (let i = 0; i < this.pending.length; i += 3) {
      if (at === recordStart) return this.pending[i + 1];
      at += this.pending[i].length + this.pending[i + 1].length + this.pending[i + 2].length;
    }
    throw new Error(`no waiting record at ${recordStart} in pack ${this.active.seq}`);
  }

  private writeIndex(index: SealedIndex): void {
    writeFileDurably(path.join(this.dir, idxName(index.pack)), index.serialize());
  }

  /**
   * Where the newest copy of a blob is; `bytes` (the hash as bytes), when the caller has them, saves decoding the hex.
   * Indexes are checked on their first use rather than at open (pack-index.ts): an answer comes only from a checked
   * index, so a hit checks its index first and a miss checks every index not yet checked (damaged ones are rebuilt
   * from their packs), then looks again.
   */
  private locate(hash: string, bytes?: Uint8Array): BlobLocation | undefined {
    const hit = this.active.index.get(hash);
    if (hit) return hit;
    if (this.sealed.length === 0) return undefined;
    bytes ??= fromHex(hash);
    for (let i = this.sealed.length - 1; i >= 0; i--) {
      const loc = this.sealed[i].find(bytes);
      if (loc) return this.checked(i) ? loc : this.locate(hash, bytes);
    }
    if (this.allChecked) return undefined;
    this.checkAll();
    return this.locate(hash, bytes);
  }

  /** Checks every sealed index not checked yet, rebuilding damaged ones. */
  private checkAll(): void {
    if (this.allChecked) return;
    for (let i = 0; i < this.sealed.length; i++) this.checked(i);
    this.allChecked = true;
  }

  /** Checks sealed index i (once); false when it was damaged and has been rebuilt from its pack. */
  private checked(i: number): boolean {
    const index = this.sealed[i];
    if (index.verified) return true;
    if (index.verify()) return true;
    this.sealed[i] = this.rebuildIndex(index.pack);
    return false;
  }

  private packFor(pack: number): { fd: number; version: PackVersion } {
    if (pack === this.active.seq) return this.active;
    let open = this.readFds.get(pack);
    if (open === undefined) {
      const fd = fs.openSync(path.join(this.dir, packName(pack)), "r");
      const magic = new Uint8Array(MAGIC_BYTES);
      fs.readSync(fd, magic, 0, MAGIC_BYTES, 0);
      const version = packVersion(magic);
      if (version === undefined) {
        fs.closeSync(fd);
        throw new Error(`pack ${pack} has no pack magic`);
      }
      open = { fd, version };
      this.readFds.set(pack, open);
    }
    return open;
  }

  /** Every stored blob with its location (sealed packs, then the active one). */
  *entries(): Generator<[string, BlobLocation]> {
    this.checkAll();
    for (const s of this.sealed) yield* s.all();
    yield* this.active.index.entries();
  }

  stats(): { packs: number; bytes: number; blobs: number; syncs: number } {
    let bytes = this.active.size;
    let blobs = this.active.index.size;
    for (const s of this.sealed) {
      bytes += fs.statSync(path.join(this.dir, packName(s.pack))).size;
      blobs += s.count;
    }
    return { packs: this.sealed.length + 1, bytes, blobs, syncs: this.syncs };
  }

  close(): void {
    try {
      this.writePending();
    } catch (err) {
      // Records a full disk kept out were never acknowledged (their commits failed), so they may go.
      if (!(err instanceof DiskFullError)) throw err;
    }
    fs.fsyncSync(this.active.fd);
    fs.closeSync(this.active.fd);
    for (const { fd } of this.readFds.values()) fs.closeSync(fd);
    this.readFds.clear();
  }
}
