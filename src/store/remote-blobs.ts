// Blobs of the distributed store: packs as immutable objects in an S3-compatible store, their index in PostgreSQL.
// Blobs put between two group flushes wait in memory and go out as one pack object (or sooner, in 8 MiB packs, while
// a large object streams in, so memory does not grow with object size); the flush that commits the refs naming
// them indexes them in the same transaction. A gateway keeps a bounded cache of blob locations (a share of the
// memory budget) and looks a missing one up in PostgreSQL, synchronously through the bridge's worker (a blob
// acknowledged anywhere has its row committed before the ack, so the lookup finds it). Blob bytes are cached too,
// bounded by bytes. Dedup: a put whose blob this gateway is storing already is not stored again; the others are
// checked against PostgreSQL in one query per pack before it is uploaded. Pack object names and bytes: docs/format.md, "Pack objects".
import { randomHex } from "../util/bytes.ts";
import { DecodedCache } from "../util/decoded-cache.ts";
import { UnavailableError } from "../util/unavailable.ts";
import { digest } from "../hash/hashing.ts";
import { toHex } from "../util/bytes.ts";
import { BlobMissingError, recordPayload } from "./blob-store.ts";
import type { ObjectStore } from "./object-store.ts";
import { type BlobKind, encodeRecord, MAGIC_BYTES, PACK_MAGIC, PACK_VERSION, RECORD_HEAD, RECORD_OVERHEAD } from "./pack-format.ts";
import type { BlobRow, PgMeta, RemoteLocation } from "./pg-meta.ts";
import { SyncBridge } from "./sync-bridge.ts";
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

/**
 * What one cached location weighs in memory: a 64-character key, the location object, and their share of the map
 * (measured: scripts/bench/remote-index.ts). The location cache's budget is divided by it.
 */
export const LOCATION_BYTES = 200;

export interface RemoteBlobsOptions {
  /** bytes of blob payloads cached */
  cacheBytes: number;
  /** bytes of blob locations cached (LOCATION_BYTES each) */
  locationBytes: number;
}

export class RemoteBlobs implements BlobBackend {
  /** Locations of blobs stored in the bucket, as far as they fit; PostgreSQL has the rest. */
  private readonly locations: DecodedCache<RemoteLocation>;
  /** Blobs not yet uploaded (waiting, or in an upload under way): read from memory. */
  private readonly held = new Map<string, Held>();
  private pending: string[] = [];
  private pendingBytes = 0;
  private uploads: Upload[] = [];
  private uploadingBytes = 0;
  private uploadError: Error | undefined;
  /** Uploaded but not yet in PostgreSQL: indexed by the next flush. */
  private unindexed: Sealed = { rows: [], packs: [], reused: [] };
  /**
   * The locations of blobs uploaded and not yet indexed (unindexed, or in a flush not yet committed), kept apart from
   * the location cache, which may let them go: PostgreSQL does not know them yet, and a flush must not upload one
   * twice (one row per hash).
   */
  private readonly staged = new Map<string, RemoteLocation>();
  private reused = new Set<string>();
  private readonly cache: DecodedCache<Uint8Array>;
  private readonly loading = new Map<string, Promise<void>>();
  private readonly bridge = new SyncBridge();
  private totals = { blobs: 0, bytes: 0, at: -Infinity };
  readonly deduplicated = { chunks: 0, bytes: 0 };
  /** Object-store traffic, for the benchmark's cost per write. */
  readonly traffic = { puts: 0, putBytes: 0, gets: 0, getBytes: 0 };
  /** Location lookups in PostgreSQL (synchronous and not), for tests and the benchmark. */
  readonly lookups = { sync: 0, async: 0 };

  constructor(readonly objects: ObjectStore, private readonly meta: PgMeta, options: RemoteBlobsOptions) {
    this.cache = new DecodedCache<Uint8Array>(options.cacheBytes);
    this.locations = new DecodedCache<RemoteLocation>(options.locationBytes);
  }

  /** Forgets the cached payloads and locations (memory pressure); blobs not yet uploaded stay, they are the only copy. */
  dropCaches(): void {
    this.cache.clear();
    this.locations.clear();
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
    // Blobs this gateway is storing are not stored twice. Every other one, even with a cached location, is held and
    // checked in PostgreSQL when its pack is cut: gc may have collected it since it was cached, and a flush reusing
    // a collected blob fails (503).
    if (this.held.has(hash) || this.staged.has(hash)) {
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
    return this.held.has(hash) || this.where(hash) !== undefined;
  }

  /** Where a stored blob lives: from the cache, else from PostgreSQL (synchronously; throws UnavailableError). */
  where(hash: string, fresh = false): RemoteLocation | undefined {
    if (!fresh) {
      const known = this.known(hash);
      if (known) return known;
    }
    this.lookups.sync++;
    const [row] = this.bridge.locate(this.meta.url, [hash]);
    if (row) this.remember([row]);
    return row;
  }

  get(hash: string): Uint8Array {
    const held = this.held.get(hash);
    if (held) return held.payload;
    const cached = this.cache.peek(hash);
    if (cached) return cached;
    return this.fetchSync(hash, false);
  }

  /**
   * Reads a blob from its pack object. A cached location can be stale: gc moved the blob and, after its grace
   * period, deleted the old pack object. A 404 there is retried once at the location PostgreSQL has now.
   */
  private fetchSync(hash: string, fresh: boolean): Uint8Array {
    const loc = this.where(hash, fresh);
    if (!loc) throw new BlobMissingError(hash);
    const res = this.bridge.get(this.objects.rangeRequest(loc.pack, loc.offset - RECORD_HEAD, loc.offset + loc.length + 4), loc.length + RECORD_OVERHEAD);
    if (res.status === 404 && !fresh) return this.fetchSync(hash, true);
    return this.accept(hash, loc, res.status, res.body);
  }

  /** Fetches a blob into the cache without blocking (streaming reads call this ahead of get()). */
  load(hash: string): Promise<void> {
    if (this.held.has(hash) || this.cache.peek(hash)) return Promise.resolve();
    let p = this.loading.get(hash);
    if (!p) {
      p = this.fetchAsync(hash, false).finally(() => this.loading.delete(hash));
      this.loading.set(hash, p);
    }
    return p;
  }

  private async fetchAsync(hash: string, fresh: boolean): Promise<void> {
    let loc = fresh ? undefined : this.known(hash);
    if (!loc) {
      this.lookups.async++;
      const rows = await this.meta.locate([hash]);
      this.remember(rows);
      loc = rows[0];
    }
    if (!loc) return; // get() will report it
    const body = await this.objects.getRange(loc.pack, loc.offset - RECORD_HEAD, loc.offset + loc.length + 4);
    if (!body && !fresh) return this.fetchAsync(hash, true);
    this.accept(hash, loc, body ? 206 : 404, body ?? new Uint8Array(0));
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
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    const upload: Upload = { bytes, done: Promise.resolve() };
    this.uploadingBytes += bytes;
    upload.done = this.upload(hashes).catch((err: Error) => {
      // The bytes are still held: they go out with the next pack.
      const back = hashes.filter((h) => this.held.has(h));
      this.pending.unshift(...back);
      for (const h of back) this.pendingBytes += this.held.get(h)!.payload.length + RECORD_OVERHEAD;
      this.uploadError = err;
    }).finally(() => {
      this.uploadingBytes -= bytes;
      this.uploads = this.uploads.filter((u) => u !== upload);
    });
    this.uploads.push(upload);
  }

  private async upload(hashes: string[]): Promise<void> {
    // Blobs already stored (by another gateway, or by this one before its cache let them go) are reused, not
    // uploaded again; the flush touches them like every reused blob, and fails if gc collected one meanwhile.
    const existing = await this.meta.locate(hashes);
    this.remember(existing);
    for (const r of existing) this.release(r.hash, true);
    const fresh = hashes.filter((h) => this.held.has(h));
    if (fresh.length === 0) return;
    const name = `${PACKS_DIR}${Date.now().toString(16).padStart(12, "0")}-${randomHex(8)}.pack`;
    const parts: Uint8Array[] = [PACK_MAGIC];
    const rows: BlobRow[] = [];
    let size = MAGIC_BYTES;
    for (const hash of fresh) {
      const h = this.held.get(hash)!;
      parts.push(...encodeRecord(PACK_VERSION, h.kind, h.hashBytes, h.payload));
      rows.push({ hash, pack: name, offset: size + RECORD_HEAD, length: h.payload.length, kind: h.kind });
      size += RECORD_OVERHEAD + h.payload.length;
    }
    await this.objects.put(name, parts);
    this.traffic.puts++;
    this.traffic.putBytes += size;
    for (const r of rows) {
      this.staged.set(r.hash, r);
      this.release(r.hash, false);
    }
    this.unindexed.rows.push(...rows);
    this.unindexed.packs.push({ name, bytes: size });
  }

  /** A held blob is stored (uploaded, or found stored already): its bytes move to the cache. */
  private release(hash: string, reused: boolean): void {
    const h = this.held.get(hash);
    if (!h) return;
    this.cache.remember(hash, { value: h.payload, bytes: h.payload.length });
    this.held.delete(hash);
    if (reused) {
      this.reused.add(hash);
      if (h.kind === "chunk") {
        this.deduplicated.chunks++;
        this.deduplicated.bytes += h.payload.length;
      }
    }
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
    for (const h of collected) this.locations.delete(h);
  }

  /** A flush committed: its blobs are indexed, at the locations PostgreSQL kept (another gateway's copy may have won). */
  indexed(sealed: Sealed, stored: BlobRow[]): void {
    for (const r of sealed.rows) this.staged.delete(r.hash);
    this.remember(stored);
  }

  /** A location this gateway knows without asking: staged by it, or cached. */
  private known(hash: string): RemoteLocation | undefined {
    return this.staged.get(hash) ?? this.locations.use(hash);
  }

  /** Caches locations PostgreSQL gave. */
  remember(rows: BlobRow[]): void {
    for (const r of rows) this.locations.remember(r.hash, { value: { pack: r.pack, offset: r.offset, length: r.length, kind: r.kind }, bytes: LOCATION_BYTES });
  }

  /** Which of `hashes` are stored (held here, cached, or live in PostgreSQL): one query for all the others. */
  async present(hashes: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const asked: string[] = [];
    for (const h of hashes) {
      if (this.held.has(h) || this.known(h)) found.add(h);
      else asked.push(h);
    }
    if (asked.length === 0) return found;
    this.lookups.async++;
    const rows = await this.meta.locate(asked);
    this.remember(rows);
    for (const r of rows) found.add(r.hash);
    return found;
  }

  /** Locations cached now (bounded by the location budget, whatever the store's size), and lookups so far. */
  locationStats(): { cached: number; lookups: number } {
    return { cached: this.locations.size, lookups: this.lookups.sync + this.lookups.async };
  }

  /**
   * The store's live blobs and their bytes. Counting them is a scan of the index, so the answer is up to a minute
   * old: a call after that starts a new count in the background (metrics ask often; exactness is not needed).
   */
  stats(): { bytes: number; blobs: number } {
    if (Date.now() - this.totals.at > 60_000) {
      this.totals.at = Date.now();
      this.meta.blobTotals().then((t) => Object.assign(this.totals, t), () => (this.totals.at = -Infinity));
    }
    return { bytes: this.totals.bytes, blobs: this.totals.blobs };
  }

  async close(): Promise<void> {
    while (this.uploads.length) await Promise.all(this.uploads.map((u) => u.done));
    this.bridge.close();
  }
}
