// FastCDC content-defined chunking (Xia et al., 2016/2020): a gear rolling hash, no hashing before
// the minimum size (cut-point skipping), and normalized chunking: a harder mask before the average
// size and an easier one after it, which narrows the spread of chunk sizes around the average.
// The gear table and masks are part of the storage format: changing them moves every boundary.
import { CTX, INPUT } from "./memory";

// CTX layout while a chunker runs.
const SIZE: usize = 0; // u32 bytes of the current chunk seen so far
const MIN: usize = 4; // u32
const AVG: usize = 8; // u32
const MAX: usize = 12; // u32
const HASH: usize = 16; // u64 gear hash
const MASK_SMALL: usize = 24; // u64 mask used below AVG (two bits more than log2(avg))
const MASK_LARGE: usize = 32; // u64 mask used from AVG on (two bits fewer)

const GEAR: usize = memory.data(256 * 8, 64);

// Fixed pseudo-random gear table: splitmix64 from a fixed seed.
function fillGear(): void {
  let s: u64 = 0x5374726174614344; // "StrataCD"
  for (let i: usize = 0; i < 256; i++) {
    s += 0x9e3779b97f4a7c15;
    let z = s;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111eb;
    store<u64>(GEAR + (i << 3), z ^ (z >>> 31));
  }
}
fillGear();

/** A mask of the top `bits` bits: the top of a gear hash depends on the most recent 64 bytes. */
function topBits(bits: i32): u64 {
  return bits <= 0 ? 0 : ~(<u64>0) << <u64>(64 - min(bits, 64));
}

export function cdcInit(minSize: u32, avgSize: u32, maxSize: u32): void {
  const bits = 31 - <i32>clz<u32>(avgSize); // floor(log2(avg))
  store<u32>(CTX + SIZE, 0);
  store<u32>(CTX + MIN, minSize);
  store<u32>(CTX + AVG, avgSize);
  store<u32>(CTX + MAX, maxSize);
  store<u64>(CTX + HASH, 0);
  store<u64>(CTX + MASK_SMALL, topBits(bits + 2));
  store<u64>(CTX + MASK_LARGE, topBits(bits - 2));
}

// @ts-ignore: decorator
@inline function gear(p: usize): u64 { return load<u64>(GEAR + (<usize>load<u8>(p) << 3)); }

/** The gear hash while cdcScan runs (kept in CTX between calls). */
let hash: u64 = 0;

/**
 * Rolls the gear hash over INPUT[p, stop) and returns the offset just past the first byte where
 * `hash & mask` is zero, or -1. Eight bytes per step: one load, then one shift-add and test each.
 */
// @ts-ignore: decorator
@inline function roll(p: i32, stop: i32, mask: u64): i32 {
  let h = hash;
  for (; p + 8 <= stop; p += 8) {
    const bytes = load<u64>(INPUT + <usize>p);
    h = (h << 1) + load<u64>(GEAR + <usize>((bytes << 3) & 0x7f8)); if ((h & mask) == 0) { hash = h; return p + 1; }
    h = (h << 1) + load<u64>(GEAR + <usize>((bytes >> 5) & 0x7f8)); if ((h & mask) == 0) { hash = h; return p + 2; }
    h = (h << 1) + load<u64>(GEAR + <usize>((bytes >> 13) & 0x7f8)); if ((h & mask) == 0) { hash = h; return p + 3; }
    h = (h << 1) + load<u64>(GEAR + <usize>((bytes >> 21) & 0x7f8)); if ((h & mask) == 0) { hash = h; return p + 4; }
    h = (h << 1) + load<u64>(GEAR + <usize>((bytes >> 29) & 0x7f8)); if ((h & mask) == 0) { hash = h; return p + 5; }
    h = (h << 1) + load<u64>(GEAR + <usize>((bytes >> 37) & 0x7f8)); if ((h & mask) == 0) { hash = h; return p + 6; }
    h = (h << 1) + load<u64>(GEAR + <usize>((bytes >> 45) & 0x7f8)); if ((h & mask) == 0) { hash = h; return p + 7; }
    h = (h << 1) + load<u64>(GEAR + <usize>((bytes >> 53) & 0x7f8)); if ((h & mask) == 0) { hash = h; return p + 8; }
  }
  for (; p < stop; p++) {
    h = (h << 1) + gear(INPUT + <usize>p);
    if ((h & mask) == 0) { hash = h; return p + 1; }
  }
  hash = h;
  return -1;
}

/**
 * Scans INPUT[start, end) for the end of the current chunk. Returns the offset just past the cut
 * (and starts a new chunk there) or -1 when the chunk goes on past `end`.
 */
export function cdcScan(start: i32, end: i32): i32 {
  const size = <i32>load<u32>(CTX + SIZE);
  const base = start - size; // where the current chunk began, in INPUT offsets (may be negative)
  const p = max(start, base + <i32>load<u32>(CTX + MIN));
  if (p < end) {
    const maxEnd = base + <i32>load<u32>(CTX + MAX);
    const avgEnd = min(maxEnd, base + <i32>load<u32>(CTX + AVG));
    hash = load<u64>(CTX + HASH);
    let at = p < avgEnd ? roll(p, min(end, avgEnd), load<u64>(CTX + MASK_SMALL)) : -1;
    if (at < 0) at = roll(max(p, min(end, avgEnd)), min(end, maxEnd), load<u64>(CTX + MASK_LARGE));
    if (at >= 0) return cut(at);
    if (end >= maxEnd) return cut(maxEnd);
    store<u64>(CTX + HASH, hash);
  }
  store<u32>(CTX + SIZE, <u32>(end - base));
  return -1;
}

function cut(at: i32): i32 {
  store<u32>(CTX + SIZE, 0);
  store<u64>(CTX + HASH, 0);
  return at;
}
