// Incremental SHA-256 (FIPS 180-4). The compression keeps the eight working variables in locals
// and rotates their roles eight rounds at a time instead of shuffling them, and runs over many
// blocks per call so the state leaves locals only once per update.
import { CTX, INPUT, OUT } from "./memory";

// CTX layout while a SHA-256 runs.
const H: usize = 0; // 8 × u32 chaining value
const LENGTH: usize = 32; // u64 bytes hashed so far
const FILL: usize = 40; // u32 bytes waiting in BLOCK
const BLOCK: usize = 64; // partial block

const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Message schedule of the block being compressed, with K already added (saves a load per round). */
const WK: usize = memory.data(64 * 4, 64);

// @ts-ignore: decorator
@inline function bigSigma0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
// @ts-ignore: decorator
@inline function bigSigma1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }
// @ts-ignore: decorator
@inline function smallSigma0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
// @ts-ignore: decorator
@inline function smallSigma1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }
// @ts-ignore: decorator
@inline function ch(e: u32, f: u32, g: u32): u32 { return g ^ (e & (f ^ g)); }
// @ts-ignore: decorator
@inline function maj(a: u32, b: u32, c: u32): u32 { return (a & b) | (c & (a | b)); }
// @ts-ignore: decorator
@inline function wk(i: i32): u32 { return load<u32>(WK + (<usize>i << 2)); }

function compress(blocks: usize, count: i32): void {
  let a = load<u32>(CTX + H, 0), b = load<u32>(CTX + H, 4), c = load<u32>(CTX + H, 8), d = load<u32>(CTX + H, 12);
  let e = load<u32>(CTX + H, 16), f = load<u32>(CTX + H, 20), g = load<u32>(CTX + H, 24), h = load<u32>(CTX + H, 28);
  for (let n = 0; n < count; n++) {
    const p = blocks + (<usize>n << 6);
    for (let i = 0; i < 16; i++) {
      const at = <usize>i << 2;
      store<u32>(WK + at, bswap<u32>(load<u32>(p + at)) + load<u32>(K + at));
    }
    // The schedule itself runs on a ring of the last 16 raw words held in locals; WK only gets W + K.
    let w0 = bswap<u32>(load<u32>(p, 0)), w1 = bswap<u32>(load<u32>(p, 4)), w2 = bswap<u32>(load<u32>(p, 8)), w3 = bswap<u32>(load<u32>(p, 12));
    let w4 = bswap<u32>(load<u32>(p, 16)), w5 = bswap<u32>(load<u32>(p, 20)), w6 = bswap<u32>(load<u32>(p, 24)), w7 = bswap<u32>(load<u32>(p, 28));
    let w8 = bswap<u32>(load<u32>(p, 32)), w9 = bswap<u32>(load<u32>(p, 36)), w10 = bswap<u32>(load<u32>(p, 40)), w11 = bswap<u32>(load<u32>(p, 44));
    let w12 = bswap<u32>(load<u32>(p, 48)), w13 = bswap<u32>(load<u32>(p, 52)), w14 = bswap<u32>(load<u32>(p, 56)), w15 = bswap<u32>(load<u32>(p, 60));
    for (let i = 16; i < 64; i += 16) {
      w0 += smallSigma1(w14) + w9 + smallSigma0(w1); store<u32>(WK + (<usize>i << 2), w0 + load<u32>(K + (<usize>i << 2)), 0);
      w1 += smallSigma1(w15) + w10 + smallSigma0(w2); store<u32>(WK + (<usize>i << 2), w1 + load<u32>(K + (<usize>i << 2), 4), 4);
      w2 += smallSigma1(w0) + w11 + smallSigma0(w3); store<u32>(WK + (<usize>i << 2), w2 + load<u32>(K + (<usize>i << 2), 8), 8);
      w3 += smallSigma1(w1) + w12 + smallSigma0(w4); store<u32>(WK + (<usize>i << 2), w3 + load<u32>(K + (<usize>i << 2), 12), 12);
      w4 += smallSigma1(w2) + w13 + smallSigma0(w5); store<u32>(WK + (<usize>i << 2), w4 + load<u32>(K + (<usize>i << 2), 16), 16);
      w5 += smallSigma1(w3) + w14 + smallSigma0(w6); store<u32>(WK + (<usize>i << 2), w5 + load<u32>(K + (<usize>i << 2), 20), 20);
      w6 += smallSigma1(w4) + w15 + smallSigma0(w7); store<u32>(WK + (<usize>i << 2), w6 + load<u32>(K + (<usize>i << 2), 24), 24);
      w7 += smallSigma1(w5) + w0 + smallSigma0(w8); store<u32>(WK + (<usize>i << 2), w7 + load<u32>(K + (<usize>i << 2), 28), 28);
      w8 += smallSigma1(w6) + w1 + smallSigma0(w9); store<u32>(WK + (<usize>i << 2), w8 + load<u32>(K + (<usize>i << 2), 32), 32);
      w9 += smallSigma1(w7) + w2 + smallSigma0(w10); store<u32>(WK + (<usize>i << 2), w9 + load<u32>(K + (<usize>i << 2), 36), 36);
      w10 += smallSigma1(w8) + w3 + smallSigma0(w11); store<u32>(WK + (<usize>i << 2), w10 + load<u32>(K + (<usize>i << 2), 40), 40);
      w11 += smallSigma1(w9) + w4 + smallSigma0(w12); store<u32>(WK + (<usize>i << 2), w11 + load<u32>(K + (<usize>i << 2), 44), 44);
      w12 += smallSigma1(w10) + w5 + smallSigma0(w13); store<u32>(WK + (<usize>i << 2), w12 + load<u32>(K + (<usize>i << 2), 48), 48);
      w13 += smallSigma1(w11) + w6 + smallSigma0(w14); store<u32>(WK + (<usize>i << 2), w13 + load<u32>(K + (<usize>i << 2), 52), 52);
      w14 += smallSigma1(w12) + w7 + smallSigma0(w15); store<u32>(WK + (<usize>i << 2), w14 + load<u32>(K + (<usize>i << 2), 56), 56);
      w15 += smallSigma1(w13) + w8 + smallSigma0(w0); store<u32>(WK + (<usize>i << 2), w15 + load<u32>(K + (<usize>i << 2), 60), 60);
    }
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = h;
    for (let i = 0; i < 64; i += 8) {
      let t: u32;
      t = h + bigSigma1(e) + ch(e, f, g) + wk(i); d += t; h = t + bigSigma0(a) + maj(a, b, c);
      t = g + bigSigma1(d) + ch(d, e, f) + wk(i + 1); c += t; g = t + bigSigma0(h) + maj(h, a, b);
      t = f + bigSigma1(c) + ch(c, d, e) + wk(i + 2); b += t; f = t + bigSigma0(g) + maj(g, h, a);
      t = e + bigSigma1(b) + ch(b, c, d) + wk(i + 3); a += t; e = t + bigSigma0(f) + maj(f, g, h);
      t = d + bigSigma1(a) + ch(a, b, c) + wk(i + 4); h += t; d = t + bigSigma0(e) + maj(e, f, g);
      t = c + bigSigma1(h) + ch(h, a, b) + wk(i + 5); g += t; c = t + bigSigma0(d) + maj(d, e, f);
      t = b + bigSigma1(g) + ch(g, h, a) + wk(i + 6); f += t; b = t + bigSigma0(c) + maj(c, d, e);
      t = a + bigSigma1(f) + ch(f, g, h) + wk(i + 7); e += t; a = t + bigSigma0(b) + maj(b, c, d);
    }
    a += a0; b += b0; c += c0; d += d0; e += e0; f += f0; g += g0; h += h0;
  }
  store<u32>(CTX + H, a, 0); store<u32>(CTX + H, b, 4); store<u32>(CTX + H, c, 8); store<u32>(CTX + H, d, 12);
  store<u32>(CTX + H, e, 16); store<u32>(CTX + H, f, 20); store<u32>(CTX + H, g, 24); store<u32>(CTX + H, h, 28);
}

export function sha256Init(): void {
  store<u32>(CTX + H, 0x6a09e667, 0); store<u32>(CTX + H, 0xbb67ae85, 4);
  store<u32>(CTX + H, 0x3c6ef372, 8); store<u32>(CTX + H, 0xa54ff53a, 12);
  store<u32>(CTX + H, 0x510e527f, 16); store<u32>(CTX + H, 0x9b05688c, 20);
  store<u32>(CTX + H, 0x1f83d9ab, 24); store<u32>(CTX + H, 0x5be0cd19, 28);
  store<u64>(CTX + LENGTH, 0);
  store<u32>(CTX + FILL, 0);
}

/** Hashes INPUT[0, length). */
export function sha256Update(length: i32): void {
  let p = INPUT;
  let left = <usize>length;
  let fill = <usize>load<u32>(CTX + FILL);
  store<u64>(CTX + LENGTH, load<u64>(CTX + LENGTH) + <u64>length);
  if (fill > 0) {
    const take = min<usize>(64 - fill, left);
    memory.copy(CTX + BLOCK + fill, p, take);
    fill += take; p += take; left -= take;
    if (fill < 64) { store<u32>(CTX + FILL, <u32>fill); return; }
    compress(CTX + BLOCK, 1);
  }
  const blocks = <i32>(left >> 6);
  if (blocks > 0) compress(p, blocks);
  p += <usize>blocks << 6;
  left &= 63;
  memory.copy(CTX + BLOCK, p, left);
  store<u32>(CTX + FILL, <u32>left);
}

/** Pads, compresses the tail and writes the 32-byte digest to OUT. */
export function sha256Final(): void {
  let fill = <usize>load<u32>(CTX + FILL);
  const bits = load<u64>(CTX + LENGTH) << 3;
  store<u8>(CTX + BLOCK + fill, 0x80);
  fill++;
  if (fill > 56) {
    memory.fill(CTX + BLOCK + fill, 0, 64 - fill);
    compress(CTX + BLOCK, 1);
    fill = 0;
  }
  memory.fill(CTX + BLOCK + fill, 0, 56 - fill);
  store<u64>(CTX + BLOCK + 56, bswap<u64>(bits));
  compress(CTX + BLOCK, 1);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(OUT + i, bswap<u32>(load<u32>(CTX + H + i)));
}
