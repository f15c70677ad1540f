// Mutable state (repos, branches, open commits, uploads) as an append-only journal of checksummed records
// (docs/format.md, "Ref journal").
//
// journal = "STRREFS1" record*
// record  = u32 LE length | JSON [[key, value | null], ...] | u32 LE crc32c(JSON bytes)
// Replaying the records in order gives the current refs. Compaction writes one record with every live ref
// to a new file and renames it over the old one.
import * as fs from "node:fs";
import * as path from "node:path";
import { compareBytes, fromUtf8, utf8 } from "../util/bytes.ts";
import { recordChecksum } from "./checksum.ts";
import { DiskFullError } from "../util/unavailable.ts";
import { createPrivateFile, fdatasync, fsyncDir, writeAllAt, writeFileDurably } from "./fs-async.ts";

export type RefValue = unknown;
/** Which refs a read sees: `latest` includes changes not yet durable (what writers build on), `durable` only what is on disk (what readers are shown). */
export type RefView = "latest" | "durable";
export interface RefChange {
  key: string;
  value: RefValue | null; // null deletes
}

const MAGIC = utf8("STRREFS1");

export class RefJournalError extends Error {}

/**
 * A ref as recorded (its JSON) and, once someone read it, decoded. Reads vastly outnumber writes (every request
 * reads its repo and branch), so each value is parsed once and shared, frozen, by every reader and both views.
 */
export interface RefEntry {
  raw: string;
  value?: unknown;
}
type StagedBatch = Array<{ bytes: Uint8Array; changes: Array<[string, RefEntry | null]> }>;

export class RefJournal {
  private readonly file: string;
  private fd: number;
  private size: number;
  /** What writers build on: includes changes not yet durable. */
  private latest = new Map<string, RefEntry>();
  /** What readers see: only what is on disk. */
  private durable = new Map<string, RefEntry>();
  private pending: StagedBatch = [];
  private readonly compactMin: number;
  private nextCompactCheck: number;
  private syncs = 0;
  private compactions = 0;

  constructor(dataDir: string, options: { compactMinBytes?: number } = {}) {
    this.file = path.join(dataDir, "refs.journal");
    if (!fs.existsSync(this.file)) {
      createPrivateFile(this.file, MAGIC);
      fsyncDir(dataDir);
    }
    this.size = this.replay();
    this.compactMin = options.compactMinBytes ?? 8 * 1024 * 1024;
    this.nextCompactCheck = this.compactMin;
    this.fd = fs.openSync(this.file, "r+");
    for (const [k, v] of this.latest) this.durable.set(k, v);
  }

  private replay(): number {
    const bytes = new Uint8Array(fs.readFileSync(this.file));
    if (bytes.length < MAGIC.length || compareBytes(bytes.subarray(0, MAGIC.length), MAGIC) !== 0) {
      throw new RefJournalError(`${this.file} is not a Strata ref journal`);
    }
    let at = MAGIC.length;
    for (let body = readFrame(bytes, at); body; body = readFrame(bytes, at)) {
      for (const [k, v] of JSON.parse(fromUtf8(body)) as Array<[string, string | null]>) {
        if (v === null) this.latest.delete(k);
        else this.latest.set(k, { raw: v });
      }
      at += 8 + body.length;
    }
    if (at < bytes.length) {
      // A bad record with intact records after it is damage, not a torn write: replaying past it would
      // silently lose acknowledged changes, and truncating would destroy them. Refuse and keep the file.
      for (let probe = at + 1; probe + 8 <= bytes.length; probe++) {
        if (readFrame(bytes, probe)) {
          throw new RefJournalError(`${this.file} is damaged at byte ${at} (intact records follow at ${probe}); refusing to open it`);
        }
      }
      // Anything after the last intact record is a torn write that was never acknowledged.
      fs.truncateSync(this.file, at);
    }
    return at;
  }

  /** The ref's value (frozen: build changed copies, never mutate it), or undefined. */
  get<T = RefValue>(key: string, view: RefView): T | undefined {
    const entry = (view === "latest" ? this.latest : this.durable).get(key);
    return entry === undefined ? undefined : (decoded(entry) as T);
  }

  /** Refs whose key starts with prefix, in key order (values frozen, as get's). */
  list<T = RefValue>(prefix: string, view: RefView): Array<[string, T]> {
    return listRefs<T>(view === "latest" ? this.latest : this.durable, prefix);
  }

  /** Applies changes to the latest view now; they reach disk (and the durable view) at the next write. */
  stage(changes: RefChange[]): void {
    const encoded: Array<[string, string | null]> = changes.map((c) => [c.key, c.value === null ? null : JSON.stringify(c.value)]);
    const entries: Array<[string, RefEntry | null]> = encoded.map(([k, raw]) => [k, raw === null ? null : { raw }]);
    for (const [k, v] of entries) {
      if (v === null) this.latest.delete(k);
      else this.latest.set(k, v);
    }
    this.pending.push({ bytes: frame(utf8(JSON.stringify(encoded))), changes: entries });
  }

  /** Takes the records staged so far, for write(); the group commit takes them before syncing blobs. */
  take(): StagedBatch {
    const batch = this.pending;
    this.pending = [];
    return batch;
  }

  /**
   * Puts a batch that write() could not write (a full disk) back in front of what was staged since, for the next
   * write; its changes stay in the latest view, as every later staged change builds on them.
   */
  requeue(batch: StagedBatch): void {
    this.pending.unshift(...batch);
  }

  /** Writes a batch of staged records with one fdatasync, then shows them to readers. */
  async write(batch: StagedBatch): Promise<void> {
    if (batch.length === 0) return;
    const records = batch.map((r) => r.bytes);
    try {
      writeAllAt(this.fd, records, this.size);
    } catch (err) {
      // A full disk: cut what landed, so the next write starts at a record boundary (the batch is requeued).
      try {
        fs.ftruncateSync(this.fd, this.size);
      } catch {
        // Still torn: the next write overwrites it from this.size, and replay cuts a torn tail.
      }
      throw err;
    }
    for (const r of records) this.size += r.length;
    await fdatasync(this.fd);
    this.syncs++;
    for (const r of batch) {
      for (const [k, v] of r.changes) {
        if (v === null) this.durable.delete(k);
        else this.durable.set(k, v);
      }
    }
    if (this.size >= this.nextCompactCheck) this.compactIfSparse();
  }

  /**
   * Rewrites the journal as one snapshot record of the durable view when most of it is superseded history.
   * Crash-safe: the snapshot goes to a temporary file that is fsynced before it is renamed over the journal,
   * so a crash leaves either the old journal or the new one, both complete. Records staged but not yet
   * written are appended to the new file by the next write. Runs inside a write, so never concurrently with one.
   */
  private compactIfSparse(): void {
    const snapshot: Array<[string, string]> = [...this.durable].map(([k, v]) => [k, v.raw]);
    const record = frame(utf8(JSON.stringify(snapshot)));
    // Check again only once the journal could be 4x the snapshot: serialising every ref per flush would cost O(refs).
    this.nextCompactCheck = Math.max(this.compactMin, 4 * record.length, this.size + this.compactMin / 8);
    if (record.length * 4 > this.size) return;
    try {
      writeFileDurably(this.file, MAGIC, record);
    } catch (err) {
      if (err instanceof DiskFullError) return; // compaction can wait for space; the journal as it is stays whole
      throw err;
    }
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, "r+");
    this.size = MAGIC.length + record.length;
    this.nextCompactCheck = Math.max(this.compactMin, 4 * record.length);
    this.compactions++;
  }

  /** Bytes on disk, fdatasyncs and compactions so far (for tests and benchmarks). */
  stats(): { bytes: number; syncs: number; compactions: number } {
    return { bytes: this.size, syncs: this.syncs, compactions: this.compactions };
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Refs of a view whose key starts with prefix, in key order. */
export function listRefs<T>(view: Map<string, RefEntry>, prefix: string): Array<[string, T]> {
  const out: Array<[string, T]> = [];
  for (const [k, v] of view) if (k.startsWith(prefix)) out.push([k, decoded(v) as T]);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The entry's value, parsed on first use. Frozen so that no reader can change what the others (and the journal) hold. */
export function decoded(entry: RefEntry): unknown {
  if (entry.value === undefined) entry.value = deepFreeze(JSON.parse(entry.raw));
  return entry.value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The body of the record at `at` when it frames and its checksum matches, else undefined. */
function readFrame(bytes: Uint8Array, at: number): Uint8Array | undefined {
  if (at + 8 > bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(at, true);
  if (len < 2 || at + 8 + len > bytes.length) return undefined;
  const body = bytes.subarray(at + 4, at + 4 + len);
  return view.getUint32(at + 4 + len, true) === recordChecksum(body) ? body : undefined;
}

function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, true);
  out.set(body, 4);
  view.setUint32(4 + body.length, recordChecksum(body), true);
  return out;
}
