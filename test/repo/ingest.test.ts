// Ingesting bytes held in memory (small S3 bodies, read whole) must store exactly what streaming them does.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { ChunkHasher } from "../../src/hash/chunk-hashing.ts";
import { ChunkBuffers, DEFAULT_CHUNKING } from "../../src/hash/chunker.ts";
import { selectHashEngine } from "../../src/hash/hashing.ts";
import { ObjectTooLargeError, storeStream } from "../../src/repo/objects.ts";
import { openService, sha256Hex } from "../helpers/repo.ts";
import { randomBytes, seededRandom } from "../hash/random.ts";

const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 8)) & 0xff);
const streamOf = (bytes: Uint8Array) => new Response(bytes.slice()).body;

describe("ingest of bytes in memory", () => {
  for (const size of [0, 1, 4096, DEFAULT_CHUNKING.min, DEFAULT_CHUNKING.min + 1, 3 * DEFAULT_CHUNKING.avg]) {
    test(`${size} bytes: same size, digests and chunks as streamed, and readable back`, async () => {
      const svc = openService();
      const bytes = bytesOf(size, size);
      const streamed = await svc.ingest(streamOf(bytes), { md5: true });
      const inMemory = await svc.ingest(bytes.slice(), { md5: true });
      expect(inMemory).toEqual(streamed);
      expect(inMemory.size).toBe(size);
      expect(inMemory.md5).toBe(createHash("md5").update(bytes).digest("hex"));
      if (size <= DEFAULT_CHUNKING.min) expect(inMemory.sha256).toBe(sha256Hex(bytes));
      const back = new Uint8Array(await new Response(svc.read(inMemory.chunks, 0, size - 1)).arrayBuffer());
      expect(sha256Hex(back)).toBe(sha256Hex(bytes));
      await svc.close();
    });
  }

  test("over the size limit fails with ObjectTooLargeError and stores nothing", async () => {
    const svc = openService();
    const before = svc.store.blobs.stats().blobs;
    await expect(svc.ingest(bytesOf(100, 1), { maxSize: 99 })).rejects.toBeInstanceOf(ObjectTooLargeError);
    expect(svc.store.blobs.stats().blobs).toBe(before);
    await svc.close();
  });
});

describe("streamed ingest with chunks hashed on a worker", () => {
  const size = 6 * DEFAULT_CHUNKING.avg;
  const pieces = (bytes: Uint8Array, fail = false) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (let at = 0; at < bytes.length; at += 512 * 1024) c.enqueue(bytes.slice(at, at + 512 * 1024));
        if (fail) c.error(new Error("the client went away"));
        else c.close();
      },
    });

  test("stores the same chunks as hashing on the spot, and every buffer goes back", async () => {
    selectHashEngine("native");
    const svc = openService();
    const hasher = new ChunkHasher(DEFAULT_CHUNKING.max, 3);
    const bytes = randomBytes(size, seededRandom(3)); // content boundaries: several chunks
    const onWorker = await storeStream(svc.store.blobs, new ChunkBuffers(DEFAULT_CHUNKING.max, 2, hasher), pieces(bytes));
    const onTheSpot = await storeStream(svc.store.blobs, new ChunkBuffers(DEFAULT_CHUNKING.max, 2), pieces(bytes));
    expect(onWorker.chunks.length).toBeGreaterThan(2);
    expect(onWorker).toEqual(onTheSpot);
    for (const [hash] of onWorker.chunks) expect(svc.store.blobs.has(hash)).toBe(true);
    expect([hasher.take(), hasher.take(), hasher.take()].every((b) => b !== undefined)).toBe(true);
    hasher.close();
    await svc.close();
  });

  test("a body that fails midway gives every buffer back (the worker's are few: a lost one is lost for good)", async () => {
    selectHashEngine("native");
    const svc = openService();
    const hasher = new ChunkHasher(DEFAULT_CHUNKING.max, 3);
    const buffers = new ChunkBuffers(DEFAULT_CHUNKING.max, 2, hasher);
    for (let round = 0; round < 4; round++) {
      await expect(storeStream(svc.store.blobs, buffers, pieces(randomBytes(size, seededRandom(round + 1)), true))).rejects.toThrow("went away");
    }
    expect([hasher.take(), hasher.take(), hasher.take()].every((b) => b !== undefined)).toBe(true);
    hasher.close();
    await svc.close();
  });
});
