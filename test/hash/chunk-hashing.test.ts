// hashChunk (worker thread or in-thread) gives the same digests as hashing on the spot and hands every
// chunk back intact, however many are out at once.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { hashChunk } from "../../src/hash/chunk-hashing.ts";
import { selectHashEngine, type HashEngine } from "../../src/hash/hashing.ts";
import { randomBytes, seededRandom } from "./random.ts";

const random = seededRandom(0x0b1ec7);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

for (const engine of ["native", "wasm"] as HashEngine[]) {
  test(`chunks out at once, engine ${engine}`, async () => {
    selectHashEngine(engine);
    const chunks = Array.from({ length: 10 }, (_, i) => randomBytes(1000 + i * 70_000, random));
    const results = await Promise.all(chunks.map((c) => hashChunk(c.slice())));
    results.forEach((r, i) => {
      expect(Buffer.from(r.chunk).equals(Buffer.from(chunks[i]))).toBe(true);
      expect(hex(r.digest)).toBe(sha(chunks[i]));
    });
    selectHashEngine("auto");
  });
}

test("a chunk that is a view into a larger buffer is hashed as just its bytes", async () => {
  const big = randomBytes(10_000, random);
  const want = sha(big.subarray(100, 5100));
  const { chunk, digest } = await hashChunk(big.subarray(100, 5100));
  expect(chunk.length).toBe(5000);
  expect(hex(digest)).toBe(want);
});
