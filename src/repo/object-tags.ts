// The tags of object versions changed after they were written: S3's PutObjectTagging and DeleteObjectTagging
// change an existing version's tag set without making a new version
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html), while Strata's versions live in
// immutable commits. So a version keeps the tags it was written with in its manifest, and each repo keeps a tag
// index for later changes: a copy-on-write tree (the purge index's kind, purges.ts) of (version id, key) → the
// tag set now, read through by every branch, commit and tag bucket that shows the version. Its root is in the
// repo's ref, so a change moves like every other ref (a compare-and-swap in the distributed store). Semantics:
// docs/versioning.md, "Tags"; bytes: (docs/format.md, "Object tags").
import type { BlobBackend } from "../store/store.ts";
import type { TagSet } from "./model.ts";
import { keyOfPurgeKey, purgeKey } from "./purges.ts";
import { Tree } from "./tree.ts";

/** A tag index entry: the version's tag set (empty: its tags were deleted) and when it was set. */
export interface TagRecord {
  tags: TagSet;
  time: number;
}

/** The tag set a version has now, if the tag index changed it; undefined: its manifest's. */
export type TagLookup = ((key: string, version: string) => TagSet | undefined) | undefined;

export class ObjectTags {
  readonly index: Tree<TagRecord>;

  /** `cacheBytes`: JSON bytes of decoded tag index nodes kept (budgets: util/memory-budget.ts). */
  constructor(blobs: BlobBackend, cacheBytes: number) {
    this.index = new Tree<TagRecord>(blobs, cacheBytes);
  }

  /** The lookup of a tag index root; undefined for a repo whose tags never changed (the common case, free). */
  lookup(root: string | null): TagLookup {
    return root === null ? undefined : (key, version) => this.index.get(root, purgeKey(key, version))?.tags;
  }

  /** The keys whose version `version` (a commit id) has an entry: what dropping that open commit leaves stale. */
  keysOf(root: string | null, version: string): string[] {
    const keys: string[] = [];
    for (const [indexKey] of this.index.scan(root, { from: version })) {
      if (!indexKey.startsWith(version)) break;
      keys.push(keyOfPurgeKey(indexKey).key);
    }
    return keys;
  }

  /** Sets (a record) or forgets (null: back to the manifest's tags) versions' tags, returning the new root. */
  apply(root: string | null, changes: Array<[key: string, version: string, record: TagRecord | null]>): string | null {
    return this.index.apply(root, changes.map(([key, version, record]) => [purgeKey(key, version), record]));
  }
}

/** Two tag sets (both sorted by key) are the same set. */
export function sameTags(a: TagSet, b: TagSet): boolean {
  return a.length === b.length && a.every(([k, v], i) => k === b[i][0] && v === b[i][1]);
}
