// Blobs of the distributed store: packs as immutable objects in an S3-compatible store, their index in PostgreSQL.
// Blobs put between two group flushes wait in memory and go out as one pack object (or sooner, in 8 MiB packs, while
// a large object streams in, so memory does not grow with object size); the flush that commits the refs naming
// them indexes them in the same transaction. Every gateway keeps the whole index in memory (kept current by the
// same change feed as the refs), so lookups stay synchronous; blob bytes are cached, bounded by bytes. Pack object names
// and bytes: docs/format.md, "Pack objects".
import { randomHex } from "../util/bytes.ts";
import { DecodedCache } from "../util/decoded-cache.ts";
import { UnavailableError } from "../util/unavailable.ts";
import { digest } from "../hash/hashing.ts";
import { toHex } from "../util/bytes.ts";
import { BlobMissingError, recordPayload } from "./blob-store.ts";
import type { ObjectStore } from "./object-store.ts";
import { type BlobKind, encodeRecord, MAGIC_BYTES, PACK_MAGIC, PACK_VERSION, RECORD_HEAD, RECORD_OVERHEAD } from "./pack-format.ts";
import type { BlobRow, RemoteLocation } from "./pg-meta.ts";
import { SyncFetcher } from "./sync-fetch.ts";
import type { BlobBackend } from "./store.ts";

/** A pack is cut (and starts uploading) once this many bytes wait, without waiting for the group flush. */
const PACK_CUT_BYTES = 8 << 20;
/** Stream writers wait (ready()) while more than this is uploading. */
const MAX_UPLOADING_BYTES = 32 << 20;

interface Held {
  kind: BlobKind;
  payload: Uint8Array;
  hashBytes: Uint8Array;
}

interface Upload {
  bytes: number;
  done: Promise<void>;
  error?: Error;
}

/** What one group flush indexes: uploaded blobs, their packs, and existing blobs that new refs name. */
export interface Sealed {
  rows: BlobRow[];
  packs: Array<{ name: string; bytes: number }>;
  reused: string[];
}

export const PACKS_DIR = "packs/";

export class RemoteBlobs implements BlobBackend {
  /** Every blob stored in the bucket that this gateway knows of. */
  private readonly index = new Map<string, RemoteLocation>();
  private indexBytes = 0;
  /** Blobs not yet uploaded (waiting, or in an upload under way): read from memory. */
  private readonly held = new Map<string, Held>();
  private pending: string[] = [];
  private pendingBytes = 0;
  private uploads: Upload[] = [];
  private uploadingBytes = 0;
  private uploadError: Error | undefined;
  /** Uploaded but not yet in PostgreSQL: indexed by the next flush. */
  private unindexed: Sealed = { rows: [], packs: [], reused: [] };
  private reused = new Set<string>();
  private readonly cache: DecodedCache<Uint8Array>;
  private readonly loading = new Map<string, Promise<void>>();
  private readonly fetcher = new SyncFetcher();
  readonly deduplicated = { chunks: 0, bytes: 0 };
  /** Object-store traffic, for the benchmark's cost per write. */
  readonly traffic = { puts: 0, putBytes: 0, gets: 0, getBytes: 0 };

  constructor(readonly objects: ObjectStore, cacheBytes: number) {
    this.cache = new DecodedCache<Uint8Array>(cacheBytes);
  }

  /** Forgets the cached payloads (memory pressure); blobs not yet uploaded stay, they are the only copy. */
  dropCaches(): void {
    this.cache.clear();
  }

  /** Writes always retain the existing blobs they name: another gateway's gc may be running at any time. */
  get gcRunning(): boolean {
    return true;
  }

  put(kind: BlobKind, payload: Uint8Array, handedOver = false): string {
    return this.putDigested(kind, payload, digest("sha256", payload), handedOver);
  }

  putDigested(kind: BlobKind, payload: Uint8Array, hashBytes: Uint8Array, handedOver = false): string {
    const hash = toHex(hashBytes);
    if (this.held.has(hash) || this.index.has(hash)) {
      if (kind === "chunk") {
        this.deduplicated.chunks++;
        this.deduplicated.bytes += payload.length;
      }
      if (!this.held.has(hash)) this.reused.add(hash);
      return hash;
    }
    this.held.set(hash, { kind, payload: handedOver ? payload : payload.slice(), hashBytes });
    this.pending.push(hash);
    this.pendingBytes += payload.length + RECORD_OVERHEAD;
    if (this.pendingBytes >= PACK_CUT_BYTES) this.cut();
    return hash;
  }

  retain(hash: string): void {
    if (!this.has(hash)) throw new BlobMissingError(hash);
    if (!this.held.has(hash)) this.reused.add(hash);
  }

  has(hash: string): boolean {
    return this.held.has(hash) || this.index.has(hash);
  }

  where(hash: string): RemoteLocation | undefined {
    return this.index.get(hash);
  }

  get(hash: string): Uint8Array {
    const held = this.held.get(hash);
    if (held) return held.payload;
    const cached = this.cache.peek(hash);
    if (cached) return cached;
    const loc = this.index.get(hash);
    if (!loc) throw new BlobMissingError(hash);
    const res = this.fetcher.get(this.objects.rangeRequest(loc.pack, loc.offset - RECORD_HEAD, loc.offset + loc.length + 4), loc.length + RECORD_OVERHEAD);
    return this.accept(hash, loc, res.status, res.body);
  }

  /** Fetches a blob into the cache without blocking (streaming reads call this ahead of get()). */
  load(hash: string): Promise<void> {
    if (this.held.has(hash) || this.cache.peek(hash)) return Promise.resolve();
    const loc = this.index.get(hash);
    if (!loc) return Promise.resolve(); // get() will report it
    let p = this.loading.get(hash);
    if (!p) {
      p = (async () => {
        try {
          const body = await this.objects.getRange(loc.pack, loc.offset - RECORD_HEAD, loc.offset + loc.length + 4);
          this.accept(hash, loc, body ? 206 : 404, body ?? new Uint8Array(0));
        } finally {
          this.loading.delete(hash);
        }
      })();
      this.loading.set(hash, p);
    }
    return p;
  }

  private accept(hash: string, loc: RemoteLocation, status: number, body: Uint8Array): Uint8Array {
    if (status === -1 || status >= 500 || status === 429) throw new UnavailableError(`object store unavailable reading blob ${hash} (${status})`);
    if (status === 404) throw new BlobMissingError(hash);
    if (status !== 200 && status !== 206) throw new Error(`object store answered ${status} reading blob ${hash}`);
    this.traffic.gets++;
    this.traffic.getBytes += body.length;
    const payload = recordPayload(body, hash, PACK_VERSION, `pack object ${loc.pack}`);
    return this.cache.get(hash, () => ({ value: payload, bytes: payload.length }));
  }

  /** Stream writers await this between chunks: it holds them back while too much is uploading. */
  ready(): Promise<void> | undefined {
    return this.uploadingBytes > MAX_UPLOADING_BYTES ? this.uploads[0]?.done : undefined;
  }

  /** Starts uploading the waiting blobs as one pack object. */
  private cut(): void {
    if (this.pending.length === 0) return;
    const hashes = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    const name = `${PACKS_DIR}${Date.now().toString(16).padStart(12, "0")}-${randomHex(8)}.pack`;
    const parts: Uint8Array[] = [PACK_MAGIC];
    const rows: BlobRow[] = [];
    let size = MAGIC_BYTES;
    for (const hash of hashes) {
      const h = this.held.get(hash)!;
      parts.push(...encodeRecord(PACK_VERSION, h.kind, h.hashBytes, h.payload));
      rows.push({ hash, pack: name, offset: size + RECORD_HEAD, length: h.payload.length, kind: h.kind });
      size += RECORD_OVERHEAD + h.payload.length;
    }
    const upload: Upload = { bytes: size, done: Promise.resolve() };
    this.uploadingBytes += size;
    upload.done = this.objects.put(name, parts).then(
      () => {
        this.traffic.puts++;
        this.traffic.putBytes += size;
        for (const r of rows) {
          const h = this.held.get(r.hash)!;
          this.setLocation(r.hash, r);
          this.cache.remember(r.hash, { value: h.payload, bytes: h.payload.length });
          this.held.delete(r.hash);
        }
        this.unindexed.rows.push(...rows);
        this.unindexed.packs.push({ name, bytes: size });
      },
      (err: Error) => {
        // The bytes are still held: they go out with the next pack.
        this.pending.unshift(...hashes);
        this.pendingBytes += size - MAGIC_BYTES;
        this.uploadError = err;
      },
    ).finally(() => {
      this.uploadingBytes -= size;
      this.uploads = this.uploads.filter((u) => u !== upload);
    });
    this.uploads.push(upload);
  }

  /** For a group flush: uploads what waits, then hands over what the flush must index. Throws if an upload failed. */
  async seal(): Promise<Sealed> {
    this.cut();
    while (this.uploads.length) await Promise.all(this.uploads.map((u) => u.done));
    const err = this.uploadError;
    this.uploadError = undefined;
    if (err) throw err instanceof UnavailableError ? err : new UnavailableError(`object store: ${err.message}`);
    const sealed = this.unindexed;
    const fresh = new Set(sealed.rows.map((r) => r.hash));
    sealed.reused = [...this.reused].filter((h) => !fresh.has(h));
    this.reused.clear();
    this.unindexed = { rows: [], packs: [], reused: [] };
    return sealed;
  }

  /** A flush that failed gives back what it was to index; reused blobs found collected are forgotten. */
  requeue(sealed: Sealed, collected: string[] = []): void {
    this.unindexed.rows.push(...sealed.rows);
    this.unindexed.packs.push(...sealed.packs);
    const gone = new Set(collected);
    for (const h of sealed.reused) if (!gone.has(h)) this.reused.add(h);
    for (const h of collected) this.setLocation(h, null);
  }

  /** Index changes from PostgreSQL (refresh, or the rows a flush stored: another gateway's copy may have won). */
  applyIndex(rows: Array<{ hash: string; loc: RemoteLocation | null }>): void {
    for (const r of rows) this.setLocation(r.hash, r.loc);
  }

  private setLocation(hash: string, loc: RemoteLocation | null): void {
    const old = this.index.get(hash);
    if (old) this.indexBytes -= old.length;
    if (loc) {
      this.index.set(hash, { pack: loc.pack, offset: loc.offset, length: loc.length, kind: loc.kind });
      this.indexBytes += loc.length;
    } else this.index.delete(hash);
  }

  /** Every indexed blob with its location. */
  entries(): IterableIterator<[string, RemoteLocation]> {
    return this.index.entries();
  }

  stats(): { bytes: number; blobs: number } {
    return { bytes: this.indexBytes, blobs: this.index.size };
  }

  async close(): Promise<void> {
    while (this.uploads.length) await Promise.all(this.uploads.map((u) => u.done));
    this.fetcher.close();
  }
}
