// FastCDC through the Chunker interface: deterministic, split-independent, within min/max, and
// local: an insert near the start disturbs only the chunks around it.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { createChunker, DEFAULT_CHUNKING, type ChunkerOptions } from "../../src/hash/chunker.ts";
import { randomBytes, randomSplits, seededRandom } from "./random.ts";

const random = seededRandom(0xc0ffee);
const small: ChunkerOptions = { min: 2048, avg: 8192, max: 32768 };

function chunk(parts: Uint8Array[], options?: ChunkerOptions): Uint8Array[] {
  const c = createChunker(options);
  const out = parts.flatMap((p) => c.push(p));
  const last = c.finish();
  return last ? [...out, last] : out;
}

const sizes = (chunks: Uint8Array[]) => chunks.map((c) => c.length);
const id = (c: Uint8Array) => createHash("sha256").update(c).digest("hex");

test("chunks reassemble to the input, in any split, with the same boundaries", () => {
  const data = randomBytes(3 << 20, random);
  const whole = chunk([data], small);
  expect(Buffer.concat(whole).equals(Buffer.from(data))).toBe(true);
  expect(sizes(chunk(randomSplits(data, random), small))).toEqual(sizes(whole));
  expect(sizes(chunk([data], small))).toEqual(sizes(whole));
});

test("every chunk but the last lies within min..max; the content cuts well before max", () => {
  const data = randomBytes(4 << 20, random);
  const all = sizes(chunk([data], small));
  const body = all.slice(0, -1);
  expect(Math.min(...body)).toBeGreaterThanOrEqual(small.min);
  expect(Math.max(...all)).toBeLessThanOrEqual(small.max);
  const mean = body.reduce((a, b) => a + b, 0) / body.length;
  expect(mean).toBeGreaterThan(small.min);
  expect(mean).toBeLessThan(2 * small.avg);
});

test("data without content boundaries is cut at max", () => {
  const zeros = new Uint8Array(100_000);
  expect(sizes(chunk([zeros], small))).toEqual([32768, 32768, 32768, 100_000 - 3 * 32768]);
});

test("returned chunks are copies: reusing the pushed buffer does not change them", () => {
  const data = randomBytes(200_000, random);
  const c = createChunker(small);
  const buffer = data.slice();
  const got = c.push(buffer);
  buffer.fill(0);
  const last = c.finish();
  expect(Buffer.concat([...got, last!]).equals(Buffer.from(data))).toBe(true);
});

test("two chunkers interleaved give the same chunks as each alone", () => {
  const a = randomBytes(1 << 20, random);
  const b = randomBytes(1 << 20, random);
  const ca = createChunker(small);
  const cb = createChunker({ min: 1024, avg: 4096, max: 16384 });
  const outA: Uint8Array[] = [];
  const outB: Uint8Array[] = [];
  for (let i = 0; i < 16; i++) {
    outA.push(...ca.push(a.subarray(i << 16, (i + 1) << 16)));
    outB.push(...cb.push(b.subarray(i << 16, (i + 1) << 16)));
  }
  outA.push(ca.finish()!);
  outB.push(cb.finish()!);
  expect(sizes(outA)).toEqual(sizes(chunk([a], small)));
  expect(sizes(outB)).toEqual(sizes(chunk([b], { min: 1024, avg: 4096, max: 16384 })));
});

test("rejects impossible sizes", () => {
  expect(() => createChunker({ min: 10, avg: 5, max: 20 })).toThrow(RangeError);
  expect(() => createChunker({ min: 0, avg: 5, max: 20 })).toThrow(RangeError);
});

test("one byte inserted near the start of 64 MiB leaves at least 90% of chunks unchanged", () => {
  const data = randomBytes(64 << 20, random);
  const edited = new Uint8Array(data.length + 1);
  edited.set(data.subarray(0, 1000));
  edited[1000] = 0x42;
  edited.set(data.subarray(1000), 1001);
  const before = chunk([data], DEFAULT_CHUNKING).map(id);
  const after = new Set(chunk([edited], DEFAULT_CHUNKING).map(id));
  expect(before.length).toBeGreaterThan(20);
  const kept = before.filter((h) => after.has(h)).length;
  expect(kept / before.length).toBeGreaterThanOrEqual(0.9);
});

test("boundaries are storage format: pinned for seeded data, in one push and in many", () => {
  const data = randomBytes(8 << 20, seededRandom(0x5eed));
  const pinned = [1247152, 1229178, 470333, 403583, 854034, 1349476, 702695, 1122393, 1009764];
  expect(sizes(chunk([data], DEFAULT_CHUNKING))).toEqual(pinned);
  expect(sizes(chunk(randomSplits(data, random), DEFAULT_CHUNKING))).toEqual(pinned);
  const smallData = data.subarray(0, 1 << 20);
  expect(sizes(chunk([smallData], small)).slice(0, 12)).toEqual([11397, 8340, 10421, 9355, 9443, 9343, 10221, 12230, 10925, 8502, 9298, 11073]);
});
