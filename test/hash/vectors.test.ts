// Published test vectors, for every engine.
import { describe, expect, test } from "bun:test";
import { digest, selectHashEngine, type DigestAlgorithm, type HashEngine } from "../../src/hash/hashing.ts";

const text = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional").
const sha256Vectors: [string, Uint8Array, string][] = [
  ["empty", text(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abc", text("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ["448 bits", text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
  [
    "896 bits",
    text("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
  ],
  ["one million a", new Uint8Array(1_000_000).fill(0x61), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"],
];

// Check values of "123456789" from the CRC catalogue (CRC-32/ISO-HDLC, CRC-32/ISCSI, CRC-64/NVME).
const crcChecks: [DigestAlgorithm, string][] = [
  ["crc32", "cbf43926"],
  ["crc32c", "e3069283"],
  ["crc64nvme", "ae8b14860a799888"],
];

for (const engine of ["wasm", "native"] as HashEngine[]) {
  describe(`engine ${engine}`, () => {
    for (const [name, input, want] of sha256Vectors) {
      test(`sha256 ${name}`, () => {
        selectHashEngine(engine);
        expect(hex(digest("sha256", input))).toBe(want);
      });
    }
    for (const [alg, want] of crcChecks) {
      test(`${alg} check value`, () => {
        selectHashEngine(engine);
        expect(hex(digest(alg, text("123456789")))).toBe(want);
      });
    }
  });
}

test("crc digests of nothing are zero, as S3 reports for empty bodies", () => {
  expect(hex(digest("crc32", new Uint8Array()))).toBe("00000000");
  expect(hex(digest("crc32c", new Uint8Array()))).toBe("00000000");
  expect(hex(digest("crc64nvme", new Uint8Array()))).toBe("0000000000000000");
});
