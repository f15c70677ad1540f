// CRC combination checked against CRCs computed over the concatenated bytes.
import { expect, test } from "bun:test";
import { combineCrcs, type CrcAlgorithm } from "../../src/hash/crc-combine.ts";
import { digest } from "../../src/hash/hashing.ts";
import { concatBytes, toHex } from "../../src/util/bytes.ts";

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

for (const alg of ["crc32", "crc32c", "crc64nvme"] as CrcAlgorithm[]) {
  test(`${alg}: combining piece CRCs equals the CRC of the whole`, () => {
    for (const sizes of [[1], [0, 5], [9, 0], [1, 2, 3], [5 * 1024 * 1024 + 3, 5 * 1024 * 1024 + 3, 17], [4096, 1, 65537, 300]]) {
      const pieces = sizes.map((n, i) => bytes(n, i + n));
      const combined = combineCrcs(alg, pieces.map((p) => ({ crc: digest(alg, p), length: p.length })));
      expect(toHex(combined)).toBe(toHex(digest(alg, concatBytes(pieces))));
    }
  });
}

test("no pieces: the CRC of nothing", () => {
  expect(toHex(combineCrcs("crc64nvme", []))).toBe(toHex(digest("crc64nvme", new Uint8Array(0))));
});
