// One memory limit split over every cache: today's sizes without a limit, scaled down together under one, never
// past CACHE_SHARE of it, and the distributed store's blob and location caches only where there is one.
import { expect, test } from "bun:test";
import { budgetWeight, CACHE_SHARE, cacheBudgets, DEFAULT_CACHE_BUDGETS } from "../../src/util/memory-budget.ts";

const MiB = 1024 * 1024;
const CHUNK = 4 * MiB;

test("without a limit every cache keeps today's size", () => {
  for (const distributed of [false, true]) {
    expect(cacheBudgets(undefined, { distributed, chunkBufferBytes: CHUNK })).toEqual({
      trees: { objects: 8 * MiB, commitIndex: 8 * MiB, purges: 6 * MiB, tags: 2 * MiB },
      manifests: 8 * MiB,
      commits: { records: 4 * MiB, byId: 2 * MiB },
      remoteBlobs: 128 * MiB,
      remoteLocations: 32 * MiB,
      chunkBuffers: 4,
    });
  }
});

// Embedded: 38 MiB of JSON budgets weigh 3× (114 MiB) plus 4 chunk buffers of 4 MiB: 130 MiB at today's sizes.
// Distributed: plus 128 MiB of blob payloads and 32 MiB of blob locations, 290 MiB.
test.each([
  // limit,       distributed, objects tree,               manifests,                  remote blobs,                locations,                  chunk buffers
  [64 * MiB, false, Math.floor(8 * MiB * (16 / 130)), Math.floor(8 * MiB * (16 / 130)), 0, 0, 0],
  [256 * MiB, false, Math.floor(8 * MiB * (64 / 130)), Math.floor(8 * MiB * (64 / 130)), 0, 0, 1],
  [256 * MiB, true, Math.floor(8 * MiB * (64 / 290)), Math.floor(8 * MiB * (64 / 290)), Math.floor(128 * MiB * (64 / 290)), Math.floor(32 * MiB * (64 / 290)), 0],
  [520 * MiB, false, 8 * MiB, 8 * MiB, 0, 0, 4], // a quarter is 130 MiB: exactly today's sizes
  [1024 * MiB, true, Math.floor(8 * MiB * (256 / 290)), Math.floor(8 * MiB * (256 / 290)), Math.floor(128 * MiB * (256 / 290)), Math.floor(32 * MiB * (256 / 290)), 3],
  [64 * 1024 * MiB, false, 8 * MiB, 8 * MiB, 0, 0, 4], // never more than today
  [64 * 1024 * MiB, true, 8 * MiB, 8 * MiB, 128 * MiB, 32 * MiB, 4],
])("limit %d, distributed %p: trees %d, manifests %d, blob cache %d, locations %d, %d chunk buffers", (limit, distributed, objects, manifests, remoteBlobs, remoteLocations, chunkBuffers) => {
  const b = cacheBudgets(limit, { distributed, chunkBufferBytes: CHUNK });
  expect(b.trees.objects).toBe(objects);
  expect(b.trees.commitIndex).toBe(objects);
  // the purge and tag indexes share one tree's budget, 3:1
  expect(Math.abs(b.trees.purges + b.trees.tags - objects)).toBeLessThanOrEqual(2);
  expect(b.manifests).toBe(manifests);
  expect(b.remoteBlobs).toBe(remoteBlobs);
  expect(b.remoteLocations).toBe(remoteLocations);
  expect(b.chunkBuffers).toBe(chunkBuffers);
  // Every cache shrinks by the same factor, so the commit caches keep their 2:1 and their share of the trees'.
  expect(Math.abs(b.commits.records - objects / 2)).toBeLessThanOrEqual(1);
  expect(Math.abs(b.commits.byId - objects / 4)).toBeLessThanOrEqual(1);
  expect(budgetWeight(b, CHUNK)).toBeLessThanOrEqual(limit * CACHE_SHARE);
});

test("the defaults handed out are copies: a caller changing its split changes no one else's", () => {
  const b = cacheBudgets(undefined, { distributed: false, chunkBufferBytes: CHUNK });
  b.trees.objects = 1;
  b.commits.byId = 1;
  expect(DEFAULT_CACHE_BUDGETS.trees.objects).toBe(8 * MiB);
  expect(DEFAULT_CACHE_BUDGETS.commits.byId).toBe(2 * MiB);
});
