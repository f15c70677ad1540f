// The distributed store: refs, the blob index, multipart state, users and tokens in PostgreSQL; blobs in packs in
// an S3-compatible object store. Any number of gateways may open the same pair. Each request first refreshes the
// refs from PostgreSQL's change feed (one query, shared by the requests that arrive meanwhile), so a write
// acknowledged by any gateway is seen by the next read anywhere; the blobs those refs name are looked up in
// PostgreSQL when this gateway's bounded cache of locations does not have them (remote-blobs.ts). A group flush uploads the waiting blobs as one
// pack object, then commits, in one transaction, their index rows and the staged ref batches whose compare-and-swap
// holds; a writer whose batch lost gets RefConflictError and rebuilds its change on the new refs.
import { DEFAULT_CACHE_BUDGETS } from "../util/memory-budget.ts";
import { UnavailableError } from "../util/unavailable.ts";
import { CasQueue } from "./cas-queue.ts";
import { GroupSync } from "./group-sync.ts";
import { type ObjectStore } from "./object-store.ts";
import { MissingBlobs, PgMeta, pgClient } from "./pg-meta.ts";
import type { RefChange } from "./ref-journal.ts";
import { RemoteBlobs, type RemoteBlobsOptions } from "./remote-blobs.ts";
import { ConflictMarker, RemoteRefs } from "./remote-refs.ts";
import { RefConflictError, type Store } from "./store.ts";

export interface RemoteStoreOptions {
  /** postgres://…, optionally with ?schema=NAME */
  meta: string;
  objects: ObjectStore;
  /** bytes of blob payloads cached in memory (default: util/memory-budget.ts) */
  cacheBytes?: number;
  /** bytes of blob locations cached in memory (default: util/memory-budget.ts) */
  locationBytes?: number;
}

export class RemoteStore implements Store {
  readonly refs = new RemoteRefs();
  readonly blobs: RemoteBlobs;
  private readonly casQueue: CasQueue;
  private lastSeq = -1;
  private readonly group = new GroupSync(() => this.flushOnce());
  private readonly refresher = new GroupSync(() => this.pull());
  /** Group flushes that committed, for the benchmark's cost per write. */
  flushes = 0;

  private constructor(readonly meta: PgMeta, objects: ObjectStore, options: RemoteBlobsOptions) {
    this.blobs = new RemoteBlobs(objects, meta, options);
    const { sql, schema } = pgClient(meta.url, 8);
    this.casQueue = new CasQueue(sql, schema);
  }

  static async open(options: RemoteStoreOptions): Promise<RemoteStore> {
    const meta = await PgMeta.connect(options.meta);
    const store = new RemoteStore(meta, options.objects, {
      cacheBytes: options.cacheBytes ?? DEFAULT_CACHE_BUDGETS.remoteBlobs,
      locationBytes: options.locationBytes ?? DEFAULT_CACHE_BUDGETS.remoteLocations,
    });
    try {
      await store.pull();
    } catch (err) {
      await meta.close();
      throw err;
    }
    return store;
  }

  /** Applies what other gateways committed since the last refresh. */
  private async pull(): Promise<void> {
    const changes = await this.meta.changes(this.lastSeq);
    this.refs.apply(changes.refs);
    this.lastSeq = Math.max(this.lastSeq, changes.seq);
  }

  /** Resolves after a refresh that began after this call: everything acknowledged before it is visible. */
  refresh(): Promise<void> {
    return this.refresher.sync();
  }

  async commit(changes: RefChange[], unchanged: string[] = []): Promise<void> {
    const batch = this.refs.stage(changes, unchanged);
    await this.group.sync().catch(() => {});
    const outcome = batch.outcome;
    if (outcome === null) return;
    if (outcome instanceof ConflictMarker) throw new RefConflictError(outcome.message, batch.expect.map(([k]) => k));
    throw outcome ?? new Error("commit was not decided");
  }

  queue(keys: string[]): Promise<() => Promise<void>> {
    return this.casQueue.enter(keys);
  }

  flush(): Promise<void> {
    return this.group.sync();
  }

  private async flushOnce(): Promise<void> {
    const batches = this.refs.take();
    let sealed;
    try {
      // Before the upload, not between it and the commit: a wait there would age the new pack towards gc's grace
      // period. A gateway whose own losers hold queue locks must not wait for other gateways' (cas-queue.ts).
      if (!this.casQueue.holding) await this.meta.awaitQueues([...new Set(batches.flatMap((b) => b.expect.map(([k]) => k)))]);
      sealed = await this.blobs.seal();
    } catch (err) {
      this.refs.settle(batches, err as Error, 0);
      throw err;
    }
    if (batches.length === 0 && sealed.rows.length === 0 && sealed.reused.length === 0) return;
    try {
      const result = await this.meta.flush(sealed.rows, sealed.reused, sealed.packs, batches);
      this.blobs.indexed(sealed, result.stored);
      this.refs.settle(batches, result.won, result.seq);
      this.flushes++;
    } catch (err) {
      const collected = err instanceof MissingBlobs ? err.hashes : [];
      this.blobs.requeue(sealed, collected);
      const why = err instanceof MissingBlobs ? new UnavailableError(err.message) : (err as Error);
      this.refs.settle(batches, why, 0);
      throw why;
    }
  }

  async close(): Promise<void> {
    await this.group.sync().catch(() => {});
    await this.blobs.close();
    await this.casQueue.close();
    await this.meta.close();
  }
}
