// Mutable state (repos, branches, open commits, uploads) as an append-only journal of checksummed records.
//
// journal = "STRREFS1" record*
// record  = u32 LE length | JSON [[key, value | null], ...] | u32 LE crc32c(JSON bytes)
// Replaying the records in order gives the current refs. Compaction writes one record with every live ref
// to a new file and renames it over the old one.
import * as fs from "node:fs";
import * as path from "node:path";
import { compareBytes, fromUtf8, utf8 } from "../util/bytes.ts";
import { recordChecksum } from "./checksum.ts";
import { fdatasync, fsyncDir } from "./fs-async.ts";

export type RefValue = unknown;
export interface RefChange {
  key: string;
  value: RefValue | null; // null deletes
}

const MAGIC = utf8("STRREFS1");
const COMPACT_MIN_BYTES = 8 * 1024 * 1024;

export class RefJournal {
  private readonly file: string;
  private fd: number;
  private size: number;
  /** What writers build on: includes changes not yet durable. */
  private latest = new Map<string, string>();
  /** What readers see: only what is on disk. */
  private durable = new Map<string, string>();
  private pending: Array<{ bytes: Uint8Array; changes: Array<[string, string | null]> }> = [];

  constructor(dataDir: string) {
    this.file = path.join(dataDir, "refs.journal");
    if (!fs.existsSync(this.file)) {
      fs.writeFileSync(this.file, MAGIC);
      fsyncDir(dataDir);
    }
    this.size = this.replay();
    this.fd = fs.openSync(this.file, "r+");
    for (const [k, v] of this.latest) this.durable.set(k, v);
  }

  private replay(): number {
    const bytes = new Uint8Array(fs.readFileSync(this.file));
    if (bytes.length < MAGIC.length || compareBytes(bytes.subarray(0, MAGIC.length), MAGIC) !== 0) {
      throw new Error(`${this.file} is not a Strata ref journal`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = MAGIC.length;
    while (at + 8 <= bytes.length) {
      const len = view.getUint32(at, true);
      if (at + 8 + len > bytes.length) break;
      const body = bytes.subarray(at + 4, at + 4 + len);
      if (view.getUint32(at + 4 + len, true) !== recordChecksum(body)) break;
      for (const [k, v] of JSON.parse(fromUtf8(body)) as Array<[string, string | null]>) {
        if (v === null) this.latest.delete(k);
        else this.latest.set(k, v);
      }
      at += 8 + len;
    }
    // Anything after the last intact record is a torn write that was never acknowledged.
    if (at < bytes.length) fs.truncateSync(this.file, at);
    return at;
  }

  get<T = RefValue>(key: string, view: "latest" | "durable" = "latest"): T | undefined {
    const raw = (view === "latest" ? this.latest : this.durable).get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  /** Refs whose key starts with prefix, in key order. */
  list<T = RefValue>(prefix: string, view: "latest" | "durable" = "latest"): Array<[string, T]> {
    const out: Array<[string, T]> = [];
    for (const [k, v] of view === "latest" ? this.latest : this.durable) if (k.startsWith(prefix)) out.push([k, JSON.parse(v) as T]);
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Applies changes to the latest view now; they reach disk (and the durable view) at the next flush. */
  stage(changes: RefChange[]): void {
    const encoded: Array<[string, string | null]> = changes.map((c) => [c.key, c.value === null ? null : JSON.stringify(c.value)]);
    for (const [k, v] of encoded) {
      if (v === null) this.latest.delete(k);
      else this.latest.set(k, v);
    }
    this.pending.push({ bytes: frame(utf8(JSON.stringify(encoded))), changes: encoded });
  }

  /** Writes every staged record with one fdatasync. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    let total = 0;
    for (const r of batch) total += r.bytes.length;
    const buf = new Uint8Array(total);
    let at = 0;
    for (const r of batch) {
      buf.set(r.bytes, at);
      at += r.bytes.length;
    }
    fs.writeSync(this.fd, buf, 0, buf.length, this.size);
    this.size += buf.length;
    await fdatasync(this.fd);
    for (const r of batch) {
      for (const [k, v] of r.changes) {
        if (v === null) this.durable.delete(k);
        else this.durable.set(k, v);
      }
    }
    if (this.size > COMPACT_MIN_BYTES && this.pending.length === 0) this.compactIfSparse();
  }

  /** Rewrites the journal as one snapshot record when most of it is superseded history. */
  private compactIfSparse(): void {
    const snapshot: Array<[string, string]> = [...this.durable];
    const record = frame(utf8(JSON.stringify(snapshot)));
    if (record.length * 4 > this.size) return;
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, "w");
    fs.writeSync(fd, MAGIC);
    fs.writeSync(fd, record);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.file);
    fsyncDir(path.dirname(this.file));
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, "r+");
    this.size = MAGIC.length + record.length;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function frame(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, true);
  out.set(body, 4);
  view.setUint32(4 + body.length, recordChecksum(body), true);
  return out;
}
