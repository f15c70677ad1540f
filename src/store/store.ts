// The store's two seams and their first implementation. Everything above store/ sees a Store: a blob backend
// (content-addressed, immutable blobs) and a ref reader (mutable refs in two views), plus commit() to make ref
// changes durable together with every blob written before them. The embedded Store keeps blobs in local packs and
// refs in a local journal; the distributed one (remote-store.ts) keeps refs in PostgreSQL and packs in an object store.
import { BlobStore } from "./blob-store.ts";
import type { BlobKind } from "./pack-format.ts";
import { lockDataDir, prepareDataDir } from "./data-dir.ts";
import { GroupSync } from "./group-sync.ts";
import { DEFAULT_DISK_RESERVE_BYTES, DiskSpace, type FreeSpace } from "./disk-space.ts";
import { type RefChange, RefJournal, type RefValue, type RefView } from "./ref-journal.ts";
import { DiskFullError, UnavailableError } from "../util/unavailable.ts";

export type { RefView };

export interface RefReader {
  /** Writers build on "latest" (includes staged changes), readers see "durable". */
  get<T = RefValue>(key: string, view: RefView): T | undefined;
  list<T = RefValue>(prefix: string, view: RefView): Array<[string, T]>;
}

/** Immutable blobs named by their SHA-256. Reads are synchronous: callers above walk trees without awaiting. */
export interface BlobBackend {
  put(kind: BlobKind, payload: Uint8Array, handedOver?: boolean): string;
  putDigested(kind: BlobKind, payload: Uint8Array, hashBytes: Uint8Array, handedOver?: boolean): string;
  get(hash: string): Uint8Array;
  has(hash: string): boolean;
  /** Declares a new reference to an existing blob (gc keeps it); throws when the blob is gone. */
  retain(hash: string): void;
  /** Whether writes must retain() the existing blobs they name. */
  readonly gcRunning: boolean;
  readonly deduplicated: { chunks: number; bytes: number };
  stats(): { bytes: number; blobs: number };
  /**
   * Local backends read blobs stored back to back with one read into the caller's buffer, each checked: the
   * payloads of a leading run of `hashes`, views of `into` (see BlobStore.readRun); empty when the first does not fit.
   */
  readRun?(hashes: readonly string[], into: Uint8Array): Uint8Array[];
  /** Backends whose reads are remote warm a blob ahead of a synchronous get() (streaming reads use it). */
  load?(hash: string): Promise<void>;
  /** Local backends refuse (DiskFullError) new object data of this size that would eat into the disk's reserve. */
  admit?(bytes: number): void;
  /** Backends that buffer uploads let a stream writer wait here when too much is in flight. */
  ready?(): Promise<void> | undefined;
  /** Backends that cache blob payloads let go of them here (memory pressure). */
  dropCaches?(): void;
  /** Backends that look blobs up remotely: which of many are stored, asked at once (one round trip, not one each). */
  present?(hashes: string[]): Promise<Set<string>>;
  /** Backends that look blob locations up elsewhere: how many they hold in memory, and how many they looked up. */
  locationStats?(): { cached: number; lookups: number };
}

export interface Store {
  readonly blobs: BlobBackend;
  readonly refs: RefReader;
  /**
   * Stages ref changes (visible to writers at once) and resolves when they and every blob written before
   * them are durable. A distributed store rejects with RefConflictError when another gateway moved a ref first.
   * `unchanged` names refs the change was decided on without changing them (the other admin that lets this one
   * go): the distributed store also rejects when one of those moved, so a rule spanning several refs holds across
   * gateways. The embedded store needs no such check: one process decides and stages in the same tick.
   */
  commit(changes: RefChange[], unchanged?: string[]): Promise<void>;
  /** Waits until everything staged so far is durable. */
  flush(): Promise<void>;
  /** Brings the durable view up to date with other gateways' acknowledged writes (a no-op when embedded). */
  refresh?(): Promise<void>;
  /**
   * Queues a writer that lost a compare-and-swap on `keys` behind other gateways' losers, and keeps other gateways
   * from moving those keys until the returned call (cas-queue.ts; distributed store only).
   */
  queue?(keys: string[]): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Another writer moved a ref this commit expected unchanged: rebuild the change on the new state and retry. */
export class RefConflictError extends Error {
  /** @param keys the refs whose expected values had moved, or might have */
  constructor(message: string, readonly keys: string[] = []) {
    super(message);
  }
}

/** Lost compare-and-swaps after which a writer gives up (503 SlowDown): the ref is too busy to win. */
const MAX_CONFLICTING_ATTEMPTS = 64;

/**
 * Runs an attempt until its commit does not lose a compare-and-swap. Only a distributed store reports lost ones
 * (another gateway moved the ref first): the attempt then runs again on refreshed refs, so it re-reads what it
 * changes and rebuilds its change on the other gateway's. After the first loss it retries queued on the refs it lost
 * (Store.queue), so a gateway whose writers keep winning cannot starve it.
 */
export async function retryOnConflict<T>(store: Store, attempt: () => Promise<T>): Promise<T> {
  let leave: (() => Promise<void>) | undefined;
  try {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof RefConflictError)) throw err;
        if (tries >= MAX_CONFLICTING_ATTEMPTS) throw new UnavailableError(`gave up after ${tries} conflicting attempts`, "SlowDown");
        // Queued again after every loss: that joins this gateway's turn if it still runs, or takes a new one if the
        // turn ran out its time (cas-queue.ts), before the old one is left.
        if (err.keys.length && store.queue) {
          const queued = await store.queue(err.keys);
          await leave?.();
          leave = queued;
        }
        await store.refresh?.();
      }
    }
  } finally {
    await leave?.();
  }
}

export interface StoreOptions {
  packLimit?: number;
  /** The ref journal is considered for compaction once it is this big. */
  journalCompactBytes?: number;
  /** refuse a dir that is not already a Strata data dir instead of creating one (fsck, gc, auth offline) */
  mustExist?: boolean;
  /** bytes of free space new object data may not eat into, kept for deletes and gc (default 64 MiB) */
  diskReserve?: number;
  /** how free space is read (tests replace statfs) */
  freeSpace?: FreeSpace;
}

export const DEFAULT_PACK_LIMIT = 64 * 1024 * 1024;

/** The embedded store: blobs in local packs plus refs in a local journal, made durable by one group commit. */
export class LocalStore implements Store {
  readonly blobs: BlobStore;
  readonly refs: RefJournal;
  private readonly unlock: () => void;
  private readonly group: GroupSync;
  private failure: Error | null = null;

  private constructor(readonly dir: string, options: StoreOptions) {
    prepareDataDir(dir, { mustExist: options.mustExist });
    this.unlock = lockDataDir(dir);
    try {
      const space = new DiskSpace(dir, options.diskReserve ?? DEFAULT_DISK_RESERVE_BYTES, options.freeSpace);
      this.blobs = new BlobStore(dir, { packLimit: options.packLimit ?? DEFAULT_PACK_LIMIT, space });
      this.refs = new RefJournal(dir, { compactMinBytes: options.journalCompactBytes });
    } catch (err) {
      this.unlock();
      throw err;
    }
    // Blobs first, then the ref records that point at them: a ref on disk never names a missing blob.
    // The ref records are taken before the blob sync starts, so every blob they name was written (by a
    // synchronous put) before that fdatasync began; records staged during it wait for the next flush.
    // A full disk fails a write before anything of the batch counts (blob-store.ts and ref-journal.ts undo what
    // landed): the batch is staged again for the next flush, and its callers get DiskFullError (503).
    this.group = new GroupSync(async () => {
      const batch = this.refs.take();
      try {
        await this.blobs.sync();
        await this.refs.write(batch);
      } catch (err) {
        if (err instanceof DiskFullError) this.refs.requeue(batch);
        throw err;
      }
    });
  }

  static open(dir: string, options: StoreOptions = {}): LocalStore {
    return new LocalStore(dir, options);
  }

  /**
   * Stages ref changes (visible to writers at once) and resolves when they and every blob written before
   * them are on disk. Concurrent callers share one flush.
   */
  async commit(changes: RefChange[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.refs.stage(changes);
    try {
      await this.group.sync();
    } catch (err) {
      // A full disk changed nothing on disk: the next commit (once space is freed) writes these changes too.
      if (err instanceof DiskFullError) throw err;
      // After a failed fsync nothing written since the last good one can be trusted: stop taking writes.
      this.failure = new Error(`store is read-only after a failed flush: ${(err as Error).message}`);
      throw this.failure;
    }
  }

  /** Waits until everything staged so far (blobs and refs) is durable. */
  flush(): Promise<void> {
    return this.group.sync();
  }

  async close(): Promise<void> {
    await this.group.sync().catch(() => {});
    this.blobs.close();
    this.refs.close();
    this.unlock();
  }
}

/** `Store.open(dir)` opens the embedded store, as before the seams existed. */
export const Store = LocalStore;
