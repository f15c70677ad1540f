// The store: blobs in packs plus refs in a journal, made durable together by one group commit.
import { BlobStore } from "./blob-store.ts";
import { lockDataDir, prepareDataDir } from "./data-dir.ts";
import { GroupSync } from "./group-sync.ts";
import { type RefChange, RefJournal } from "./ref-journal.ts";

export interface StoreOptions {
  packLimit?: number;
  /** The ref journal is considered for compaction once it is this big. */
  journalCompactBytes?: number;
  /** refuse a dir that is not already a Strata data dir instead of creating one (fsck, gc, auth offline) */
  mustExist?: boolean;
}

export const DEFAULT_PACK_LIMIT = 64 * 1024 * 1024;

export class Store {
  readonly blobs: BlobStore;
  readonly refs: RefJournal;
  private readonly unlock: () => void;
  private readonly group: GroupSync;
  private failure: Error | null = null;

  private constructor(readonly dir: string, options: StoreOptions) {
    prepareDataDir(dir, { mustExist: options.mustExist });
    this.unlock = lockDataDir(dir);
    try {
      this.blobs = new BlobStore(dir, { packLimit: options.packLimit ?? DEFAULT_PACK_LIMIT });
      this.refs = new RefJournal(dir, { compactMinBytes: options.journalCompactBytes });
    } catch (err) {
      this.unlock();
      throw err;
    }
    // Blobs first, then the ref records that point at them: a ref on disk never names a missing blob.
    // The ref records are taken before the blob sync starts, so every blob they name was written (by a
    // synchronous put) before that fdatasync began; records staged during it wait for the next flush.
    this.group = new GroupSync(async () => {
      const batch = this.refs.take();
      await this.blobs.sync();
      await this.refs.write(batch);
    });
  }

  static open(dir: string, options: StoreOptions = {}): Store {
    return new Store(dir, options);
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
