// The process's memory as the runtime sees it (resident set size, a garbage collection on request) and the guard
// that keeps a server under --memory-limit: the caches are bounded by their budgets (util/memory-budget.ts), but
// requests in flight, the allocator's slack and garbage not yet collected are not, so RSS is watched too.
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

/** RSS past this share of the limit is pressure: the runtime collects, and the caches go. */
export const PRESSURE_SHARE = 0.8;
/**
 * How often RSS is read (a cheap system call), and so how often a collection may run under pressure: a 64 MiB
 * PUT leaves ~100 MB of socket buffers behind within a second, faster than the runtime's own schedule collects.
 */
export const CHECK_EVERY_MS = 250;
/** The caches are dropped at most this often: most pressure is garbage, and a cache emptied every check is no cache. */
export const CACHE_DROP_EVERY_MS = 5_000;

export interface MemoryGuardOptions {
  /** bytes */
  limit: number;
  /** drops what can be dropped (the caches) */
  relieve: () => void;
  rss?: () => number;
  gc?: () => void;
  now?: () => number;
}

/** Watches RSS against a limit and, under pressure, asks for a garbage collection and drops the caches. */
export class MemoryGuard {
  /** Collections asked for, and cache drops, under pressure (for /metrics). */
  readonly reliefs = { collections: 0, cacheDrops: 0 };
  private lastDrop = -Infinity;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly rss: () => number;
  private readonly gc: () => void;
  private readonly now: () => number;

  constructor(private readonly options: MemoryGuardOptions) {
    this.rss = options.rss ?? residentBytes;
    this.gc = options.gc ?? collectGarbage;
    this.now = options.now ?? Date.now;
  }

  /** One look at RSS; true when it was under pressure. */
  check(): boolean {
    if (this.rss() < this.options.limit * PRESSURE_SHARE) return false;
    const now = this.now();
    if (now - this.lastDrop >= CACHE_DROP_EVERY_MS) {
      this.options.relieve();
      this.lastDrop = now;
      this.reliefs.cacheDrops++;
    }
    this.gc();
    this.reliefs.collections++;
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
