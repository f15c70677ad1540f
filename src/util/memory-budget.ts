// How much every cache of a server may hold: one budget, split here and nowhere else. The composition root asks
// for the split once (from --memory-limit, or none) and hands each cache its share when it builds it.

const MiB = 1024 * 1024;

export interface CacheBudgets {
  /** JSON bytes of decoded nodes each tree keeps (repo/tree.ts): versions, commit index, purge index, tag index. */
  trees: { objects: number; commitIndex: number; purges: number; tags: number };
  /** JSON bytes of decoded object manifests (repo/manifests.ts). */
  manifests: number;
  /** JSON bytes of decoded commits, by hash and by id (repo/commit-graph.ts). */
  commits: { records: number; byId: number };
  /** Bytes of blob payloads a distributed store keeps in memory (store/remote-blobs.ts); unused when embedded. */
  remoteBlobs: number;
  /** Bytes of blob locations a distributed store keeps in memory (store/remote-blobs.ts); unused when embedded. */
  remoteLocations: number;
  /** Maximum-size chunk buffers kept for reuse between uploads and streamed reads (repo/objects.ts). */
  chunkBuffers: number;
}

/** Today's sizes: what a server without --memory-limit uses. */
export const DEFAULT_CACHE_BUDGETS: CacheBudgets = {
  // 8 MiB of JSON holds every internal node of a tree of millions of keys and the hot leaves.
  // The purge and tag indexes (purges.ts, object-tags.ts) hold only versions purged or retagged: usually little.
  trees: { objects: 8 * MiB, commitIndex: 8 * MiB, purges: 6 * MiB, tags: 2 * MiB },
  // A small object's manifest is ~250 bytes of JSON: 8 MiB keeps those of ~30,000 recently used objects.
  manifests: 8 * MiB,
  commits: { records: 4 * MiB, byId: 2 * MiB },
  remoteBlobs: 128 * MiB,
  // ~160,000 locations (~200 bytes each): the blobs of the objects in use; the rest are looked up in PostgreSQL.
  remoteLocations: 32 * MiB,
  chunkBuffers: 4,
};

/**
 * The part of a memory limit the caches may take. The rest is the runtime itself (~35-60 MB idle), requests in
 * flight (a chunk of up to 4 MiB per upload, a record per read) and the allocator's slack.
 */
export const CACHE_SHARE = 1 / 4;
/** A decoded value takes roughly 2-3 times its JSON in memory (util/decoded-cache.ts): JSON budgets count 3 times. */
export const DECODED_WEIGHT = 3;

/**
 * The budgets under a memory limit (bytes; undefined: today's sizes). Every cache keeps its share of today's
 * sizes, scaled down together until their memory fits CACHE_SHARE of the limit; none grows past today's size.
 * The blob and location caches of a distributed store count only for a distributed store, so an embedded one does not give
 * away its share to a cache it does not have.
 */
export function cacheBudgets(limit: number | undefined, options: { distributed: boolean; chunkBufferBytes: number }): CacheBudgets {
  const d = DEFAULT_CACHE_BUDGETS;
  if (limit === undefined) return { ...d, trees: { ...d.trees }, commits: { ...d.commits } };
  const full = { ...d, remoteBlobs: options.distributed ? d.remoteBlobs : 0, remoteLocations: options.distributed ? d.remoteLocations : 0 };
  const scale = Math.min(1, (limit * CACHE_SHARE) / budgetWeight(full, options.chunkBufferBytes));
  const part = (bytes: number) => Math.floor(bytes * scale);
  return {
    trees: { objects: part(d.trees.objects), commitIndex: part(d.trees.commitIndex), purges: part(d.trees.purges), tags: part(d.trees.tags) },
    manifests: part(d.manifests),
    commits: { records: part(d.commits.records), byId: part(d.commits.byId) },
    remoteBlobs: part(full.remoteBlobs),
    remoteLocations: part(full.remoteLocations),
    chunkBuffers: Math.floor(d.chunkBuffers * scale),
  };
}

/** The memory the caches may take under a split: JSON budgets weighed as decoded values, buffers at their size. */
export function budgetWeight(b: CacheBudgets, chunkBufferBytes: number): number {
  const decoded = b.trees.objects + b.trees.commitIndex + b.trees.purges + b.trees.tags + b.manifests + b.commits.records + b.commits.byId;
  return decoded * DECODED_WEIGHT + b.remoteBlobs + b.remoteLocations + b.chunkBuffers * chunkBufferBytes;
}
