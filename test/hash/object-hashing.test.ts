// ObjectHashing (worker thread or in-thread) gives the same digests as hashing on the spot, keeps
// interleaved objects apart, and hands every chunk back intact.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { selectHashEngine, type HashEngine } from "../../src/hash/hashing.ts";
import { startObjectHashing } from "../../src/hash/object-hashing.ts";
import { randomBytes, seededRandom } from "./random.ts";

const random = seededRandom(0x0b1ec7);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

for (const engine of ["native", "wasm"] as HashEngine[]) {
  test(`two interleaved objects, engine ${engine}`, async () => {
    selectHashEngine(engine);
    const objects = [0, 1].map(() => Array.from({ length: 5 }, (_, i) => randomBytes(1000 + i * 70_000, random)));
    const hashings = objects.map(() => startObjectHashing());
    const pending = objects.map(() => [] as Promise<{ chunk: Uint8Array; digest: Uint8Array }>[]);
    for (let i = 0; i < 5; i++) {
      for (let o = 0; o < 2; o++) pending[o].push(hashings[o].add(objects[o][i].slice()));
    }
    for (let o = 0; o < 2; o++) {
      const results = await Promise.all(pending[o]);
      results.forEach((r, i) => {
        expect(Buffer.from(r.chunk).equals(Buffer.from(objects[o][i]))).toBe(true);
        expect(hex(r.digest)).toBe(sha(objects[o][i]));
      });
      expect(hex(await hashings[o].finish())).toBe(sha(Buffer.concat(objects[o])));
    }
    selectHashEngine("auto");
  });
}

test("a chunk that is a view into a larger buffer is hashed as just its bytes", async () => {
  const big = randomBytes(10_000, random);
  const want = sha(big.subarray(100, 5100));
  const h = startObjectHashing();
  const { chunk, digest } = await h.add(big.subarray(100, 5100));
  expect(chunk.length).toBe(5000);
  expect(hex(digest)).toBe(want);
  expect(hex(await h.finish())).toBe(want);
});

test("an object with no chunks has the digest of no bytes", async () => {
  expect(hex(await startObjectHashing().finish())).toBe(sha(new Uint8Array()));
});
