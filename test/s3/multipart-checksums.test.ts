// The checksum of a multipart object from its parts' checksums: kinds, defaults, and refusals.
import { expect, test } from "bun:test";
import { digest } from "../../src/hash/hashing.ts";
import { completedChecksum, uploadChecksum } from "../../src/s3/multipart-checksums.ts";
import { concatBytes, toBase64 } from "../../src/util/bytes.ts";

const h = (init: Record<string, string>) => new Headers(init);
const parts = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])];
const withChecksums = (alg: "sha256" | "crc64nvme" | "crc32c") =>
  parts.map((p) => ({ size: p.length, checksums: { [alg]: toBase64(digest(alg, p)) } }));

test("defaults: CRC64NVME is FULL_OBJECT, the others COMPOSITE; impossible pairs are refused", () => {
  expect(uploadChecksum(h({ "x-amz-checksum-algorithm": "CRC64NVME" }))).toEqual({ algorithm: "crc64nvme", type: "FULL_OBJECT" });
  expect(uploadChecksum(h({ "x-amz-checksum-algorithm": "SHA256" }))).toEqual({ algorithm: "sha256", type: "COMPOSITE" });
  expect(uploadChecksum(h({ "x-amz-checksum-algorithm": "crc32", "x-amz-checksum-type": "full_object" }))).toEqual({ algorithm: "crc32", type: "FULL_OBJECT" });
  expect(uploadChecksum(h({}))).toEqual({ algorithm: undefined, type: undefined });
  expect(() => uploadChecksum(h({ "x-amz-checksum-algorithm": "SHA1", "x-amz-checksum-type": "FULL_OBJECT" }))).toThrow("cannot be used");
  expect(() => uploadChecksum(h({ "x-amz-checksum-algorithm": "CRC64NVME", "x-amz-checksum-type": "COMPOSITE" }))).toThrow("cannot be used");
  expect(() => uploadChecksum(h({ "x-amz-checksum-algorithm": "MD5" }))).toThrow("not supported");
});

test("COMPOSITE: the algorithm over the concatenated part checksums, then -N", () => {
  const got = completedChecksum({ algorithm: "sha256", type: "COMPOSITE" }, withChecksums("sha256"), h({}));
  const expected = toBase64(digest("sha256", concatBytes(parts.map((p) => digest("sha256", p)))));
  expect(got).toEqual({ algorithm: "sha256", type: "COMPOSITE", value: `${expected}-2` });
});

test("FULL_OBJECT: the CRC of the whole object; a wrong value sent on Complete is BadDigest", () => {
  const whole = toBase64(digest("crc64nvme", concatBytes(parts)));
  expect(completedChecksum({ algorithm: "crc64nvme" }, withChecksums("crc64nvme"), h({}))?.value).toBe(whole);
  expect(completedChecksum({ algorithm: "crc64nvme" }, withChecksums("crc64nvme"), h({ "x-amz-checksum-crc64nvme": whole }))?.type).toBe("FULL_OBJECT");
  expect(() => completedChecksum({ algorithm: "crc64nvme" }, withChecksums("crc64nvme"), h({ "x-amz-checksum-crc64nvme": "AAAAAAAAAAA=" }))).toThrow("did not match");
});

test("no declared algorithm: one all parts share is used; a part without it means no checksum", () => {
  expect(completedChecksum({}, withChecksums("crc32c"), h({}))?.algorithm).toBe("crc32c");
  const mixed = [...withChecksums("crc32c").slice(0, 1), { size: 2 }];
  expect(completedChecksum({ algorithm: "crc32c" }, mixed, h({}))).toBeUndefined();
});
