// The memory guard: RSS past PRESSURE_SHARE of the limit asks for a collection at every check, and drops the
// caches at most once per CACHE_DROP_EVERY_MS.
import { expect, test } from "bun:test";
import { CACHE_DROP_EVERY_MS, collectGarbage, MemoryGuard, PRESSURE_SHARE, residentBytes } from "../../src/runtime/memory.ts";

const MiB = 1024 * 1024;

function guarded(limit: number) {
  const state = { rss: 0, now: 0, relieved: 0, collected: 0 };
  const guard = new MemoryGuard({
    limit,
    relieve: () => state.relieved++,
    rss: () => state.rss,
    gc: () => state.collected++,
    now: () => state.now,
  });
  return { guard, state };
}

test("below the pressure line nothing happens; past it every check collects, and the caches go once per interval", () => {
  const { guard, state } = guarded(256 * MiB);
  state.rss = 256 * MiB * PRESSURE_SHARE - 1;
  expect(guard.check()).toBe(false);
  expect(state).toMatchObject({ relieved: 0, collected: 0 });

  state.rss = 256 * MiB * PRESSURE_SHARE;
  expect(guard.check()).toBe(true);
  expect(state).toMatchObject({ relieved: 1, collected: 1 });

  state.now += CACHE_DROP_EVERY_MS - 1; // still high: collect again, but leave the caches their chance to be used
  expect(guard.check()).toBe(true);
  expect(state).toMatchObject({ relieved: 1, collected: 2 });
  state.now += 1;
  expect(guard.check()).toBe(true);
  expect(state).toMatchObject({ relieved: 2, collected: 3 });
  expect(guard.reliefs).toEqual({ collections: 3, cacheDrops: 2 });

  state.now += CACHE_DROP_EVERY_MS;
  state.rss = 100 * MiB;
  expect(guard.check()).toBe(false);
  expect(guard.reliefs).toEqual({ collections: 3, cacheDrops: 2 });
});

test("the runtime seam: RSS is this process's, and a collection can be asked for", () => {
  const rss = residentBytes();
  expect(rss).toBeGreaterThan(10 * MiB);
  expect(rss).toBeLessThan(64 * 1024 * MiB);
  expect(() => collectGarbage()).not.toThrow();
});
