// Our core against independent implementations: @noble/hashes, hash-wasm and node:crypto / node:zlib.
// Random inputs of every length 0..300 and a few large ones, fed in random splits.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { crc32 as zlibCrc32 } from "node:zlib";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { createCRC32, createCRC64, createSHA256 } from "hash-wasm";
import { createHasher, selectHashEngine, type DigestAlgorithm, type HashEngine } from "../../src/hash/hashing.ts";
import { createWasmHasher } from "../../src/hash/wasm-hashers.ts";
import { randomBytes, randomSplits, seededRandom } from "./random.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

const hashWasm = {
  sha256: await createSHA256(),
  crc32: await createCRC32(),
  crc32c: await createCRC32(0x82f63b78),
  crc64nvme: await createCRC64("9a6c9329ac4bc9b5"), // reflected NVMe polynomial; init and xor-out all ones
};

/** What each independent implementation says the digest of `data` is, in hex. */
function oracles(alg: keyof typeof hashWasm, data: Uint8Array): string[] {
  const answers = [hashWasm[alg].init().update(data).digest("hex")];
  if (alg === "sha256") answers.push(hex(nobleSha256(data)), createHash("sha256").update(data).digest("hex"));
  if (alg === "crc32") answers.push(zlibCrc32(data).toString(16).padStart(8, "0"));
  return answers;
}

function ours(alg: DigestAlgorithm, parts: Uint8Array[]): string {
  const h = createHasher(alg);
  for (const p of parts) h.update(p);
  return hex(h.digest());
}

const algorithms = Object.keys(hashWasm) as (keyof typeof hashWasm)[];
const random = seededRandom(0x5eed);

for (const engine of ["wasm", "native"] as HashEngine[]) {
  test(`every length 0..300 in random splits, engine ${engine}`, () => {
    selectHashEngine(engine);
    for (let n = 0; n <= 300; n++) {
      const data = randomBytes(n, random);
      for (const alg of algorithms) {
        const want = oracles(alg, data);
        expect(new Set(want).size).toBe(1);
        expect(ours(alg, randomSplits(data, random))).toBe(want[0]);
      }
    }
  });

  test(`large inputs in random splits, engine ${engine}`, () => {
    selectHashEngine(engine);
    // Around the core's 1 MiB input buffer, plus odd sizes.
    for (const n of [(1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12345, 65537]) {
      const data = randomBytes(n, random);
      for (const alg of algorithms) {
        const want = oracles(alg, data);
        expect(new Set(want).size).toBe(1);
        expect(ours(alg, randomSplits(data, random))).toBe(want[0]);
        expect(ours(alg, [data])).toBe(want[0]);
      }
    }
  });
}

test("interleaved hashers keep separate state", () => {
  const a = randomBytes(5000, random);
  const b = randomBytes(7000, random);
  const ha = createHasher("crc64nvme");
  const hb = createHasher("sha256");
  const hc = createHasher("crc64nvme");
  for (let i = 0; i < 10; i++) {
    ha.update(a.subarray(i * 500, i * 500 + 500));
    hb.update(b.subarray(i * 700, i * 700 + 700));
    hc.update(b.subarray(i * 700, i * 700 + 700));
  }
  expect(hex(ha.digest())).toBe(oracles("crc64nvme", a)[0]!);
  expect(hex(hb.digest())).toBe(oracles("sha256", b)[0]!);
  expect(hex(hc.digest())).toBe(oracles("crc64nvme", b)[0]!);
});

test("a digested hasher refuses more input", () => {
  const h = createHasher("crc32c");
  h.digest();
  expect(() => h.update(new Uint8Array(1))).toThrow();
});

test("the core's CRC32 (used where node:zlib has no crc32) agrees with zlib", () => {
  for (const n of [0, 1, 7, 8, 300, (1 << 20) + 3]) {
    const data = randomBytes(n, random);
    const h = createWasmHasher("crc32");
    for (const p of randomSplits(data, random)) h.update(p);
    expect(hex(h.digest())).toBe(oracles("crc32", data)[0]!);
  }
});
