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

/**
 * Scans INPUT[start, end) for the end of the current chunk. Returns the offset just past the cut
 * (and starts a new chunk there) or -1 when the chunk goes on past `end`.
 */
export function cdcScan(start: i32, end: i32): i32 {
  const size = <i32>load<u32>(CTX + SIZE);
  const base = start - size; // where the current chunk began, in INPUT offsets (may be negative)
  let h = load<u64>(CTX + HASH);
  let p = max(start, base + <i32>load<u32>(CTX + MIN));
  if (p < end) {
    const maskSmall = load<u64>(CTX + MASK_SMALL);
    const maskLarge = load<u64>(CTX + MASK_LARGE);
    const maxEnd = base + <i32>load<u32>(CTX + MAX);
    let stop = min(end, min(maxEnd, base + <i32>load<u32>(CTX + AVG)));
    while (p < stop) {
      h = (h << 1) + gear(INPUT + <usize>p);
      p++;
      if ((h & maskSmall) == 0) return cut(p);
    }
    stop = min(end, maxEnd);
    while (p < stop) {
      h = (h << 1) + gear(INPUT + <usize>p);
      p++;
      if ((h & maskLarge) == 0) return cut(p);
    }
    if (p == maxEnd) return cut(p);
  }
  store<u32>(CTX + SIZE, <u32>(end - base));
  store<u64>(CTX + HASH, h);
  return -1;
}

function cut(at: i32): i32 {
  store<u32>(CTX + SIZE, 0);
  store<u64>(CTX + HASH, 0);
  return at;
}
