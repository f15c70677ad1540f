// The memory guard: RSS past PRESSURE_SHARE of the limit asks for a collection at most every
// PRESSURE_COLLECT_EVERY_MS, and drops the caches at most once per CACHE_DROP_EVERY_MS; without a limit (and under one) RSS past COLLECT_PAST asks for one
// each time it has grown by GROWTH_BEFORE_COLLECTING since the last.
import { expect, test } from "bun:test";
import { CACHE_DROP_EVERY_MS, COLLECT_PAST, PRESSURE_COLLECT_EVERY_MS, collectGarbage, GROWTH_BEFORE_COLLECTING, MemoryGuard, PRESSURE_SHARE, residentBytes } from "../../src/runtime/memory.ts";

const MiB = 1024 * 1024;

/** A guard over a fake process whose collections bring RSS down to `state.afterGc` (when set). */
function guarded(limit: number | undefined) {
  const state = { rss: 0, now: 0, relieved: 0, collected: 0, afterGc: undefined as number | undefined };
  const guard = new MemoryGuard({
    limit,
    relieve: () => state.relieved++,
    rss: () => state.rss,
    gc: () => {
      state.collected++;
      if (state.afterGc !== undefined) state.rss = state.afterGc;
    },
    now: () => state.now,
  });
  return { guard, state };
}

test("below the pressure line nothing happens; past it a collection at most every PRESSURE_COLLECT_EVERY_MS, and the caches go once per interval", () => {
  const { guard, state } = guarded(256 * MiB);
  state.rss = 256 * MiB * PRESSURE_SHARE - 1;
  expect(guard.check()).toBe(false);
  expect(state).toMatchObject({ relieved: 0, collected: 0 });

  state.rss = 256 * MiB * PRESSURE_SHARE;
  expect(guard.check()).toBe(true);
  expect(state).toMatchObject({ relieved: 1, collected: 1 });

  state.now += PRESSURE_COLLECT_EVERY_MS - 1; // too soon for another collection
  expect(guard.check()).toBe(false);
  state.now += 1; // still high: collect again, but leave the caches their chance to be used
  expect(guard.check()).toBe(true);
  expect(state).toMatchObject({ relieved: 1, collected: 2 });
  state.now = CACHE_DROP_EVERY_MS - PRESSURE_COLLECT_EVERY_MS; // the caches were dropped at 0: not yet again
  expect(guard.check()).toBe(true);
  expect(state).toMatchObject({ relieved: 1, collected: 3 });
  state.now += PRESSURE_COLLECT_EVERY_MS;
  expect(guard.check()).toBe(true);
  expect(state).toMatchObject({ relieved: 2, collected: 4 });
  expect(guard.reliefs).toEqual({ collections: 4, cacheDrops: 2 });

  state.now += CACHE_DROP_EVERY_MS;
  state.rss = 100 * MiB;
  expect(guard.check()).toBe(false);
  expect(guard.reliefs).toEqual({ collections: 4, cacheDrops: 2 });
});

test("without a limit: below COLLECT_PAST nothing happens; past it a collection each time RSS grew enough since the last, and the caches stay", () => {
  const { guard, state } = guarded(undefined);
  state.rss = 60 * MiB; // idle
  expect(guard.check()).toBe(false);
  state.rss = COLLECT_PAST - 1; // grown a lot, but not past the line
  expect(guard.check()).toBe(false);

  state.rss = COLLECT_PAST + 10 * MiB;
  const live = COLLECT_PAST - GROWTH_BEFORE_COLLECTING.bytes; // its share of it is no more than the bytes
  state.afterGc = live;
  expect(guard.check()).toBe(true);
  expect(state).toMatchObject({ collected: 1, relieved: 0, rss: live });

  // Past the line again, but not GROWTH_BEFORE_COLLECTING above what the collection left: no collection.
  state.rss = live + GROWTH_BEFORE_COLLECTING.bytes - 1;
  expect(guard.check()).toBe(false);
  state.rss = live + GROWTH_BEFORE_COLLECTING.bytes;
  expect(guard.check()).toBe(true);
  expect(state.collected).toBe(2);
  expect(guard.reliefs).toEqual({ collections: 2, cacheDrops: 0 });
});

test("without a limit, a server whose live memory is far past COLLECT_PAST collects as it grows by a share of it, not at every check", () => {
  const { guard, state } = guarded(undefined);
  const live = 1024 * MiB;
  state.rss = 60 * MiB; // at start
  expect(guard.check()).toBe(false);
  state.rss = live + 64 * MiB;
  state.afterGc = live;
  expect(guard.check()).toBe(true);
  const step = live * GROWTH_BEFORE_COLLECTING.share;
  for (let i = 0; i < 10; i++) {
    state.rss = live + step - 1;
    expect(guard.check()).toBe(false);
  }
  state.rss = live + step;
  expect(guard.check()).toBe(true);
  expect(state.collected).toBe(2);
});

test("under a limit whose pressure line is past COLLECT_PAST, garbage is still collected from COLLECT_PAST on, the caches kept", () => {
  const { guard, state } = guarded(1024 * MiB);
  state.rss = 60 * MiB;
  expect(guard.check()).toBe(false);
  state.rss = COLLECT_PAST + GROWTH_BEFORE_COLLECTING.bytes;
  state.afterGc = 100 * MiB;
  expect(guard.check()).toBe(true);
  expect(state).toMatchObject({ collected: 1, relieved: 0 });
});

test("the runtime seam: RSS is this process's, and a collection can be asked for", () => {
  const rss = residentBytes();
  expect(rss).toBeGreaterThan(10 * MiB);
  expect(rss).toBeLessThan(64 * 1024 * MiB);
  expect(() => collectGarbage()).not.toThrow();
});
