// Ingesting bytes held in memory (small S3 bodies, read whole) must store exactly what streaming them does.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { DEFAULT_CHUNKING } from "../../src/hash/chunker.ts";
import { ObjectTooLargeError } from "../../src/repo/objects.ts";
import { openService, sha256Hex } from "../helpers/repo.ts";

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
