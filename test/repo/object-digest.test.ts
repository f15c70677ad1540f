// The digest an object's ETag is (in sha256 mode): SHA-256 of the bytes when they are stored as one
// chunk, else SHA-256 of the chunk digests in order, so each byte is hashed once. Pinned here.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { bytesDigest } from "../../src/repo/objects.ts";
import { openService, sha256Hex } from "../helpers/repo.ts";
import { rng } from "../helpers/tmp-dir.ts";

test("one chunk: SHA-256 of the bytes; several: SHA-256 of the chunk digests; same bytes, same ETag", async () => {
  const svc = openService();
  await svc.versions.createBranch("r", "main");
  const random = rng(7);
  const big = new Uint8Array(3 * 1024 * 1024).map(() => random() * 256);
  const small = big.subarray(0, 100_000);

  const one = await svc.putObject("r", "main", "small", small);
  expect(one.etag).toBe(sha256Hex(small));
  const oneManifest = svc.statObject("r", "main", "small")!;
  expect(oneManifest.chunks.length).toBe(1);
  expect(oneManifest.sha256).toBe(sha256Hex(small));

  const several = await svc.putObject("r", "main", "big", big);
  const manifest = svc.statObject("r", "main", "big")!;
  expect(manifest.chunks.length).toBeGreaterThan(1);
  const ofChunks = createHash("sha256");
  let offset = 0;
  for (const [hash, size] of manifest.chunks) {
    const chunk = big.subarray(offset, (offset += size));
    expect(hash).toBe(sha256Hex(chunk));
    ofChunks.update(createHash("sha256").update(chunk).digest());
  }
  expect(several.etag).toBe(ofChunks.digest("hex"));
  expect(manifest.sha256).toBeUndefined(); // no whole-bytes SHA-256 without a second pass

  expect((await svc.putObject("r", "main", "again", big.slice())).etag).toBe(several.etag);
  expect(bytesDigest(manifest.chunks)).toBe(several.etag);
  expect((await svc.putObject("r", "main", "empty", new Uint8Array())).etag).toBe(sha256Hex(new Uint8Array()));
  await svc.close();
});
