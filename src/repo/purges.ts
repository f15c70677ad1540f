// Versions purged for good, and a key's history as readers see it: with every purged version left out
// (the purge index's format: docs/format.md, "Versions").
//
// Trees of old commits are immutable blobs (and commit ids, which are version ids, must stay stable), so a
// purge does not rewrite history. Each repo keeps a purge index instead: a tree of (version id, key) → the
// commit that recorded the purge. Every read path resolves a tree entry through it, walking the key's
// version chain past purged versions, and gc's mark phase does not follow a purged version's manifest, so
// its chunks go unless something else still uses them. See docs/versioning.md.
import type { BlobBackend } from "../store/store.ts";
import { getJson } from "./blob-codec.ts";
import type { VersionEntry } from "./model.ts";
import { Tree } from "./tree.ts";

/** A purge index entry: which commit recorded the purge, and when. */
export interface PurgeRecord {
  commit: string;
  time: number;
}

/** What a reader of a repo needs besides a tree: the repo's purge index (null: nothing was ever purged). */
export type PurgeRoot = string | null;

/** Whether a version of a key was purged; undefined: nothing was (the common case, which costs nothing). */
export type PurgeFilter = ((key: string, version: string) => boolean) | undefined;

/** Index key of a version: its 32-hex version id, then the key (fixed width, so no separator is needed). */
export const purgeKey = (key: string, version: string): string => version + key;

/** The key of an index key (what follows the version id). */
export const keyOfPurgeKey = (indexKey: string): { version: string; key: string } => ({ version: indexKey.slice(0, 32), key: indexKey.slice(32) });

export class History {
  readonly index: Tree<PurgeRecord>;

  /** `cacheBytes`: JSON bytes of decoded purge index nodes kept (budgets: util/memory-budget.ts). */
  constructor(private readonly blobs: BlobBackend, cacheBytes: number) {
    this.index = new Tree<PurgeRecord>(blobs, cacheBytes);
  }

  /** The filter of a purge index root. */
  filter(purged: PurgeRoot): PurgeFilter {
    return purged === null ? undefined : (key, version) => this.index.get(purged, purgeKey(key, version)) !== undefined;
  }

  /** Records purges, returning the new index root. */
  addPurges(purged: PurgeRoot, versions: Array<[key: string, version: string]>, record: PurgeRecord): PurgeRoot {
    return this.index.apply(purged, versions.map(([key, version]) => [purgeKey(key, version), record]));
  }

  /** The key's versions newest first, from a tree entry down its chain, purged ones left out. */
  *versions(purged: PurgeFilter, key: string, head: VersionEntry | undefined): Generator<VersionEntry> {
    let entry = head;
    while (entry) {
      if (!purged?.(key, entry.c)) yield entry;
      entry = entry.p ? getJson<VersionEntry>(this.blobs, entry.p) : undefined;
    }
  }

  /** What a tree entry stands for once purged versions are left out: its first surviving version, if any. */
  resolve(purged: PurgeFilter, key: string, head: VersionEntry | undefined): VersionEntry | undefined {
    if (!head || !purged) return head;
    for (const entry of this.versions(purged, key, head)) return entry;
    return undefined;
  }

  /**
   * The version of the key's history that `version` names: S3's "null" names the null version, a commit id the
   * version that commit wrote (a null version too: its commit still wrote it).
   */
  find(purged: PurgeFilter, key: string, head: VersionEntry | undefined, version: string): VersionEntry | undefined {
    for (const entry of this.versions(purged, key, head)) {
      if (version === NULL_VERSION ? entry.n === 1 : entry.c === version) return entry;
    }
    return undefined;
  }
}

/** S3's version id of versions written while versioning was suspended. */
export const NULL_VERSION = "null";

/** The version id S3 shows for a version entry: "null" for a null version, else the commit that wrote it. */
export const versionIdOf = (e: VersionEntry): string => (e.n === 1 ? NULL_VERSION : e.c);
