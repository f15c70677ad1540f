// Incremental SHA-256 (FIPS 180-4). The compression keeps the working variables and a 16-word ring
// of the message schedule in locals, renames the variables' roles from round to round instead of
// shuffling them, and runs over many blocks per call so the state leaves locals once per update.
// Rounds are unrolled sixteen at a time: a full unroll is faster in V8 but too big for JavaScriptCore's
// optimizing tier, and this shape beats hash-wasm in both (see scripts/bench/hash.ts).
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

function compress(blocks: usize, count: i32): void {
  let a = load<u32>(CTX + H, 0), b = load<u32>(CTX + H, 4), c = load<u32>(CTX + H, 8), d = load<u32>(CTX + H, 12);
  let e = load<u32>(CTX + H, 16), f = load<u32>(CTX + H, 20), g = load<u32>(CTX + H, 24), h = load<u32>(CTX + H, 28);
  for (let n = 0; n < count; n++) {
    const p = blocks + (<usize>n << 6);
    const a0 = a, b0 = b, c0 = c, d0 = d, e0 = e, f0 = f, g0 = g, h0 = h;
    let w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32;
    let w8: u32, w9: u32, w10: u32, w11: u32, w12: u32, w13: u32, w14: u32, w15: u32;
    let t: u32;
    // Rounds 0..15 take the message words as they are.
    t = h + bigSigma1(e) + ch(e, f, g) + load<u32>(K, 0) + (w0 = bswap<u32>(load<u32>(p, 0))); d += t; h = t + bigSigma0(a) + maj(a, b, c);
    t = g + bigSigma1(d) + ch(d, e, f) + load<u32>(K, 4) + (w1 = bswap<u32>(load<u32>(p, 4))); c += t; g = t + bigSigma0(h) + maj(h, a, b);
    t = f + bigSigma1(c) + ch(c, d, e) + load<u32>(K, 8) + (w2 = bswap<u32>(load<u32>(p, 8))); b += t; f = t + bigSigma0(g) + maj(g, h, a);
    t = e + bigSigma1(b) + ch(b, c, d) + load<u32>(K, 12) + (w3 = bswap<u32>(load<u32>(p, 12))); a += t; e = t + bigSigma0(f) + maj(f, g, h);
    t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(K, 16) + (w4 = bswap<u32>(load<u32>(p, 16))); h += t; d = t + bigSigma0(e) + maj(e, f, g);
    t = c + bigSigma1(h) + ch(h, a, b) + load<u32>(K, 20) + (w5 = bswap<u32>(load<u32>(p, 20))); g += t; c = t + bigSigma0(d) + maj(d, e, f);
    t = b + bigSigma1(g) + ch(g, h, a) + load<u32>(K, 24) + (w6 = bswap<u32>(load<u32>(p, 24))); f += t; b = t + bigSigma0(c) + maj(c, d, e);
    t = a + bigSigma1(f) + ch(f, g, h) + load<u32>(K, 28) + (w7 = bswap<u32>(load<u32>(p, 28))); e += t; a = t + bigSigma0(b) + maj(b, c, d);
    t = h + bigSigma1(e) + ch(e, f, g) + load<u32>(K, 32) + (w8 = bswap<u32>(load<u32>(p, 32))); d += t; h = t + bigSigma0(a) + maj(a, b, c);
    t = g + bigSigma1(d) + ch(d, e, f) + load<u32>(K, 36) + (w9 = bswap<u32>(load<u32>(p, 36))); c += t; g = t + bigSigma0(h) + maj(h, a, b);
    t = f + bigSigma1(c) + ch(c, d, e) + load<u32>(K, 40) + (w10 = bswap<u32>(load<u32>(p, 40))); b += t; f = t + bigSigma0(g) + maj(g, h, a);
    t = e + bigSigma1(b) + ch(b, c, d) + load<u32>(K, 44) + (w11 = bswap<u32>(load<u32>(p, 44))); a += t; e = t + bigSigma0(f) + maj(f, g, h);
    t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(K, 48) + (w12 = bswap<u32>(load<u32>(p, 48))); h += t; d = t + bigSigma0(e) + maj(e, f, g);
    t = c + bigSigma1(h) + ch(h, a, b) + load<u32>(K, 52) + (w13 = bswap<u32>(load<u32>(p, 52))); g += t; c = t + bigSigma0(d) + maj(d, e, f);
    t = b + bigSigma1(g) + ch(g, h, a) + load<u32>(K, 56) + (w14 = bswap<u32>(load<u32>(p, 56))); f += t; b = t + bigSigma0(c) + maj(c, d, e);
    t = a + bigSigma1(f) + ch(f, g, h) + load<u32>(K, 60) + (w15 = bswap<u32>(load<u32>(p, 60))); e += t; a = t + bigSigma0(b) + maj(b, c, d);
    // Rounds 16..63 in three passes of sixteen; k walks the round constants.
    for (let k = K + 64; k < K + 256; k += 64) {
      t = h + bigSigma1(e) + ch(e, f, g) + load<u32>(k, 0) + (w0 += smallSigma1(w14) + w9 + smallSigma0(w1)); d += t; h = t + bigSigma0(a) + maj(a, b, c);
      t = g + bigSigma1(d) + ch(d, e, f) + load<u32>(k, 4) + (w1 += smallSigma1(w15) + w10 + smallSigma0(w2)); c += t; g = t + bigSigma0(h) + maj(h, a, b);
      t = f + bigSigma1(c) + ch(c, d, e) + load<u32>(k, 8) + (w2 += smallSigma1(w0) + w11 + smallSigma0(w3)); b += t; f = t + bigSigma0(g) + maj(g, h, a);
      t = e + bigSigma1(b) + ch(b, c, d) + load<u32>(k, 12) + (w3 += smallSigma1(w1) + w12 + smallSigma0(w4)); a += t; e = t + bigSigma0(f) + maj(f, g, h);
      t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(k, 16) + (w4 += smallSigma1(w2) + w13 + smallSigma0(w5)); h += t; d = t + bigSigma0(e) + maj(e, f, g);
      t = c + bigSigma1(h) + ch(h, a, b) + load<u32>(k, 20) + (w5 += smallSigma1(w3) + w14 + smallSigma0(w6)); g += t; c = t + bigSigma0(d) + maj(d, e, f);
      t = b + bigSigma1(g) + ch(g, h, a) + load<u32>(k, 24) + (w6 += smallSigma1(w4) + w15 + smallSigma0(w7)); f += t; b = t + bigSigma0(c) + maj(c, d, e);
      t = a + bigSigma1(f) + ch(f, g, h) + load<u32>(k, 28) + (w7 += smallSigma1(w5) + w0 + smallSigma0(w8)); e += t; a = t + bigSigma0(b) + maj(b, c, d);
      t = h + bigSigma1(e) + ch(e, f, g) + load<u32>(k, 32) + (w8 += smallSigma1(w6) + w1 + smallSigma0(w9)); d += t; h = t + bigSigma0(a) + maj(a, b, c);
      t = g + bigSigma1(d) + ch(d, e, f) + load<u32>(k, 36) + (w9 += smallSigma1(w7) + w2 + smallSigma0(w10)); c += t; g = t + bigSigma0(h) + maj(h, a, b);
      t = f + bigSigma1(c) + ch(c, d, e) + load<u32>(k, 40) + (w10 += smallSigma1(w8) + w3 + smallSigma0(w11)); b += t; f = t + bigSigma0(g) + maj(g, h, a);
      t = e + bigSigma1(b) + ch(b, c, d) + load<u32>(k, 44) + (w11 += smallSigma1(w9) + w4 + smallSigma0(w12)); a += t; e = t + bigSigma0(f) + maj(f, g, h);
      t = d + bigSigma1(a) + ch(a, b, c) + load<u32>(k, 48) + (w12 += smallSigma1(w10) + w5 + smallSigma0(w13)); h += t; d = t + bigSigma0(e) + maj(e, f, g);
      t = c + bigSigma1(h) + ch(h, a, b) + load<u32>(k, 52) + (w13 += smallSigma1(w11) + w6 + smallSigma0(w14)); g += t; c = t + bigSigma0(d) + maj(d, e, f);
      t = b + bigSigma1(g) + ch(g, h, a) + load<u32>(k, 56) + (w14 += smallSigma1(w12) + w7 + smallSigma0(w15)); f += t; b = t + bigSigma0(c) + maj(c, d, e);
      t = a + bigSigma1(f) + ch(f, g, h) + load<u32>(k, 60) + (w15 += smallSigma1(w13) + w8 + smallSigma0(w0)); e += t; a = t + bigSigma0(b) + maj(b, c, d);
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
