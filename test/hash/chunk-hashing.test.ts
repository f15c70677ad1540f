// ChunkHasher: chunks assembled in its shared buffers are hashed on its worker, any other chunk on the calling
// thread, and either way the digest is the SHA-256 of the chunk's bytes, in the order asked.
import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { ChunkHasher } from "../../src/hash/chunk-hashing.ts";
import { ChunkBuffers } from "../../src/hash/chunker.ts";
import { selectHashEngine } from "../../src/hash/hashing.ts";
import { randomBytes, seededRandom } from "./random.ts";

selectHashEngine("native");
const random = seededRandom(0x5ab);
const SIZE = 64 * 1024;
const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash("sha256").update(bytes).digest());
const hashers: ChunkHasher[] = [];
const hasher = (slots: number) => {
  const h = new ChunkHasher(SIZE, slots);
  hashers.push(h);
  return h;
};
afterAll(() => hashers.forEach((h) => h.close()));

/** A chunk of `length` random bytes assembled in a buffer taken from `h`. */
function chunkIn(h: ChunkHasher, length: number): Uint8Array {
  const buffer = h.take();
  if (!buffer) throw new Error("no free buffer");
  buffer.set(randomBytes(length, random));
  return buffer.subarray(0, length);
}

test.each([
  ["one byte", 1],
  ["one SHA-256 block", 64],
  ["an odd length", 40_001],
  ["a whole buffer", SIZE],
])("a chunk of %s in a shared buffer gets its SHA-256", async (_name, length) => {
  const h = hasher(2);
  const chunk = chunkIn(h, length);
  expect(chunk.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(await h.hash(chunk)).toEqual(sha256(chunk));
});

test("many chunks at once, round after round, each get their own digest (the ring wraps many times)", async () => {
  const h = hasher(3);
  for (let round = 0; round < 40; round++) {
    const chunks = [chunkIn(h, 1 + round), chunkIn(h, 5000 + round), chunkIn(h, SIZE - round)];
    const digests = await Promise.all(chunks.map((c) => h.hash(c)));
    expect(digests).toEqual(chunks.map(sha256));
    for (const c of chunks) expect(h.give(c.buffer)).toBe(true);
  }
});

test("take() hands out each buffer once; give() takes back only its own", () => {
  const h = hasher(2);
  const a = h.take()!;
  const b = h.take()!;
  expect(a.buffer).not.toBe(b.buffer);
  expect(h.take()).toBeUndefined();
  expect(h.give(new ArrayBuffer(SIZE))).toBe(false);
  expect(h.give(new SharedArrayBuffer(SIZE))).toBe(false);
  expect(h.give(a.buffer)).toBe(true);
  expect(h.take()!.buffer).toBe(a.buffer);
});

test.each([
  ["a plain buffer", () => randomBytes(3000, random)],
  ["a view that does not start its shared buffer", () => chunkIn(hasher(1), 3000).subarray(7)],
])("a chunk in %s is hashed on the calling thread", async (_name, make) => {
  const h = hasher(1);
  const chunk = make();
  expect(await h.hash(chunk)).toEqual(sha256(chunk));
});

test("closing with chunks still out: what was asked is answered correctly, and so is what follows", async () => {
  const h = hasher(3);
  const chunks = [chunkIn(h, 100), chunkIn(h, 20_000), chunkIn(h, SIZE)];
  const digests = chunks.map((c) => h.hash(c));
  h.close();
  expect(await Promise.all(digests)).toEqual(chunks.map(sha256));
  expect(await h.hash(chunks[1])).toEqual(sha256(chunks[1]));
  expect(h.take()).toBeUndefined(); // no worker: new chunks go to plain buffers
});

test("ChunkBuffers hands out the hasher's buffers first, then its own, and hashes either", async () => {
  const h = hasher(1);
  const buffers = new ChunkBuffers(SIZE, 1, h);
  const shared = buffers.take();
  const plain = buffers.take();
  expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(plain.buffer).toBeInstanceOf(ArrayBuffer);
  shared.set(randomBytes(SIZE, random));
  plain.set(randomBytes(SIZE, random));
  expect(await buffers.hash(shared)).toEqual(sha256(shared));
  expect(await buffers.hash(plain)).toEqual(sha256(plain));
  buffers.give(shared.buffer);
  expect(buffers.take().buffer).toBe(shared.buffer);
  expect(() => new ChunkBuffers(SIZE * 2, 1, h)).toThrow(RangeError);
});
