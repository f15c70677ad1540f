// The process's memory as the runtime sees it (resident set size, a garbage collection on request) and the guard
// that keeps a server under --memory-limit: the caches are bounded by their budgets (util/memory-budget.ts), but
// requests in flight, the allocator's slack and garbage not yet collected are not, so RSS is watched too. Without
// a limit the guard still keeps garbage from large bodies from piling up.
import process from "node:process";

declare const Bun: { gc(force: boolean): void } | undefined;

/** Bytes of the process resident in memory now. */
export function residentBytes(): number {
  return process.memoryUsage.rss();
}

/**
 * A full garbage collection now, where the runtime offers one: Bun.gc under Bun; under Deno only with
 * --v8-flags=--expose-gc (without it V8 collects on its own schedule and this does nothing).
 */
export function collectGarbage(): void {
  if (typeof Bun !== "undefined") Bun.gc(true);
  else (globalThis as { gc?: () => void }).gc?.();
}

const MiB = 1024 * 1024;

/** RSS past this share of the limit is pressure: the runtime collects, and the caches go. */
export const PRESSURE_SHARE = 0.8;
/**
 * How often RSS is read (a cheap system call), and so how soon garbage is collected once it has grown: a 64 MiB PUT
 * leaves ~100 MB of socket buffers behind within a second, faster than the runtime's own schedule collects.
 */
export const CHECK_EVERY_MS = 100;
/** Under a limit's pressure a collection runs at most this often (each one is a full, stopping collection). */
export const PRESSURE_COLLECT_EVERY_MS = 250;
/** The caches are dropped at most this often: most pressure is garbage, and a cache emptied every check is no cache. */
export const CACHE_DROP_EVERY_MS = 5_000;
/**
 * Without a limit, garbage is still not left to pile up: past this RSS the guard collects (the caches stay). Runs of
 * the benchmark peaked at 168-175 MB without it, at 146-158 MB with it (160 MiB here: 182-221 MB, before other
 * changes; docs/benchmarks.md, "Peak RSS under load").
 */
export const COLLECT_PAST = 128 * MiB;
/**
 * ... and only once RSS has grown this much above what the last collection left (the larger of the two), so that a
 * server whose live memory is past COLLECT_PAST collects as it grows, like the runtime's own schedule, not at every
 * check (a full collection of a large heap costs tens of ms).
 */
export const GROWTH_BEFORE_COLLECTING = { bytes: 32 * MiB, share: 0.25 };

export interface MemoryGuardOptions {
  /** bytes; absent: no limit, and the guard only keeps garbage from piling up past COLLECT_PAST */
  limit?: number;
  /** drops what can be dropped (the caches); only under a limit */
  relieve: () => void;
  rss?: () => number;
  gc?: () => void;
  now?: () => number;
}

/**
 * Watches RSS and asks for garbage collections: past COLLECT_PAST once RSS has grown by GROWTH_BEFORE_COLLECTING
 * since the last one; under a limit also past PRESSURE_SHARE of it (at most every PRESSURE_COLLECT_EVERY_MS),
 * dropping the caches too (at most every CACHE_DROP_EVERY_MS).
 */
export class MemoryGuard {
  /** Collections asked for, and cache drops, under pressure (for /metrics). */
  readonly reliefs = { collections: 0, cacheDrops: 0 };
  private lastDrop = -Infinity;
  private lastCollection = -Infinity;
  /** RSS the last collection left (or less, seen since). */
  private floor = Infinity;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly rss: () => number;
  private readonly gc: () => void;
  private readonly now: () => number;

  constructor(private readonly options: MemoryGuardOptions) {
    this.rss = options.rss ?? residentBytes;
    this.gc = options.gc ?? collectGarbage;
    this.now = options.now ?? Date.now;
  }

  /** One look at RSS; true when it asked for a collection. */
  check(): boolean {
    const rss = this.rss();
    this.floor = Math.min(this.floor, rss);
    const { limit } = this.options;
    const now = this.now();
    const pressure = limit !== undefined && rss >= limit * PRESSURE_SHARE && now - this.lastCollection >= PRESSURE_COLLECT_EVERY_MS;
    const grown = rss - this.floor >= Math.max(GROWTH_BEFORE_COLLECTING.bytes, this.floor * GROWTH_BEFORE_COLLECTING.share);
    if (!pressure && !(rss >= COLLECT_PAST && grown)) return false;
    if (pressure && now - this.lastDrop >= CACHE_DROP_EVERY_MS) {
      this.options.relieve();
      this.lastDrop = now;
      this.reliefs.cacheDrops++;
    }
    this.gc();
    this.reliefs.collections++;
    this.lastCollection = now;
    this.floor = this.rss();
    return true;
  }

  start(): void {
    this.timer ??= setInterval(() => this.check(), CHECK_EVERY_MS);
    (this.timer as { unref?: () => void }).unref?.(); // never what keeps the process alive
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
