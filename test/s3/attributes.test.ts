// GetObjectAttributes (AWS: GetObjectAttributes API reference) through @aws-sdk/client-s3: ETag, Checksum,
// ObjectParts with per-part checksums and paging, ObjectSize, StorageClass, for any version.
import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { expectError, http } from "./http.ts";

let server: StrataServer;
let client: S3Client;
beforeAll(async () => {
  server = await withServer();
  client = new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  await client.send(new CreateBucketCommand({ Bucket: "attrs" }));
});
afterAll(() => server.stop());

const ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"] as const;
const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("base64");

test("a single-part object, as of each of its versions", async () => {
  const v1 = await client.send(new PutObjectCommand({ Bucket: "attrs", Key: "a.txt", Body: "first", ChecksumAlgorithm: "SHA256" }));
  const v2 = await client.send(new PutObjectCommand({ Bucket: "attrs", Key: "a.txt", Body: "second!" }));
  const now = await client.send(new GetObjectAttributesCommand({ Bucket: "attrs", Key: "a.txt", ObjectAttributes: [...ALL] }));
  expect([now.ObjectSize, now.StorageClass, now.VersionId, `"${now.ETag}"`, now.ObjectParts]).toEqual([7, "STANDARD", v2.VersionId, v2.ETag, undefined]);
  const old = await client.send(new GetObjectAttributesCommand({ Bucket: "attrs", Key: "a.txt", VersionId: v1.VersionId, ObjectAttributes: [...ALL] }));
  expect([old.ObjectSize, old.VersionId, old.Checksum?.ChecksumSHA256, old.Checksum?.ChecksumType]).toEqual([5, v1.VersionId, sha256("first"), "FULL_OBJECT"]);
  const some = await client.send(new GetObjectAttributesCommand({ Bucket: "attrs", Key: "a.txt", ObjectAttributes: ["ObjectSize"] }));
  expect([some.ObjectSize, some.ETag, some.StorageClass]).toEqual([7, undefined, undefined]);
});

test("a multipart object: parts with their checksums, paged by max-parts and part-number-marker", async () => {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: "attrs", Key: "big.bin", ChecksumAlgorithm: "SHA256" }));
  const bodies = [new Uint8Array(5 * 1024 * 1024).fill(1), new Uint8Array(5 * 1024 * 1024).fill(2), new Uint8Array(1000).fill(3)];
  const parts = [];
  for (const [i, Body] of bodies.entries()) {
    const r = await client.send(new UploadPartCommand({ Bucket: "attrs", Key: "big.bin", UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: "SHA256" }));
    parts.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumSHA256: r.ChecksumSHA256 });
  }
  const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: "attrs", Key: "big.bin", UploadId, MultipartUpload: { Parts: parts } }));
  const all = await client.send(new GetObjectAttributesCommand({ Bucket: "attrs", Key: "big.bin", ObjectAttributes: [...ALL] }));
  expect(all.ObjectSize).toBe(bodies.reduce((n, b) => n + b.length, 0));
  expect(all.Checksum).toEqual({ ChecksumSHA256: done.ChecksumSHA256, ChecksumType: "COMPOSITE" });
  expect(all.ObjectParts?.TotalPartsCount).toBe(3);
  expect(all.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size, p.ChecksumSHA256])).toEqual(bodies.map((b, i) => [i + 1, b.length, sha256(b)]));
  const page1 = await client.send(new GetObjectAttributesCommand({ Bucket: "attrs", Key: "big.bin", ObjectAttributes: ["ObjectParts"], MaxParts: 2 }));
  expect([page1.ObjectParts?.IsTruncated, page1.ObjectParts?.NextPartNumberMarker, page1.ObjectParts?.Parts?.length]).toEqual([true, "2", 2]);
  const page2 = await client.send(new GetObjectAttributesCommand({ Bucket: "attrs", Key: "big.bin", ObjectAttributes: ["ObjectParts"], PartNumberMarker: "2" }));
  expect([page2.ObjectParts?.IsTruncated, page2.ObjectParts?.Parts?.map((p) => p.PartNumber)]).toEqual([false, [3]]);
}, 30_000);

test("errors: the header is required, names are checked, missing keys and delete markers", async () => {
  const s3 = http(server);
  await expectError(await s3.call("/attrs/a.txt?attributes"), 400, "InvalidRequest");
  await expectError(await s3.call("/attrs/a.txt?attributes", { headers: { "x-amz-object-attributes": "ETag,Colour" } }), 400, "InvalidArgument");
  await expectError(await s3.call("/attrs/none?attributes", { headers: { "x-amz-object-attributes": "ETag" } }), 404, "NoSuchKey");
  await s3.call("/attrs/a.txt", { method: "DELETE" });
  const gone = await s3.call("/attrs/a.txt?attributes", { headers: { "x-amz-object-attributes": "ETag" } });
  expect([gone.status, gone.headers.get("x-amz-delete-marker")]).toEqual([404, "true"]);
});
