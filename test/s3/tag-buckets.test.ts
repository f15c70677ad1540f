// A tag is a read-only bucket `tag.repo` (tags and branches share one namespace per repo), through the JS SDK:
// reads (GET, HEAD, ListObjectsV2, ListObjectVersions, HeadBucket) show the tagged commit; every write is 403
// AccessDenied saying it is a tag (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html: AccessDenied, 403).
import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { StrataServer } from "../../src/server.ts";
import { failure, objectText, sdkClient } from "../helpers/sdk.ts";
import { withServer } from "../helpers/server.ts";

let server: StrataServer;
let s3: S3Client;
let tagged = "";
let later = "";

beforeAll(async () => {
  server = await withServer();
  s3 = sdkClient(server.url);
  await s3.send(new CreateBucketCommand({ Bucket: "rel" }));
  await s3.send(new PutObjectCommand({ Bucket: "rel", Key: "a.txt", Body: "a1" }));
  tagged = (await s3.send(new PutObjectCommand({ Bucket: "rel", Key: "b.txt", Body: "b1" }))).VersionId!;
  await server.repo.createTag("rel", "v1", { repo: "rel", branch: "master" });
  later = (await s3.send(new PutObjectCommand({ Bucket: "rel", Key: "a.txt", Body: "a2, after the tag" }))).VersionId!;
});
afterAll(() => server.stop());

const text = (bucket: string, key: string) => objectText(s3, bucket, key);

test("GET, HEAD, ListObjectsV2, ListObjectVersions and HeadBucket read the tagged commit", async () => {
  expect(await text("v1.rel", "a.txt")).toBe("a1");
  expect(await text("rel", "a.txt")).toBe("a2, after the tag");
  const head = await s3.send(new HeadObjectCommand({ Bucket: "v1.rel", Key: "b.txt" }));
  expect([head.ContentLength, head.VersionId]).toEqual([2, tagged]);
  await s3.send(new HeadBucketCommand({ Bucket: "v1.rel" }));
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: "v1.rel" }));
  expect([listed.Name, listed.Contents?.map((o) => [o.Key, o.Size])]).toEqual(["v1.rel", [["a.txt", 2], ["b.txt", 2]]]);
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "v1.rel" }));
  expect(versions.Versions?.map((v) => [v.Key, v.IsLatest])).toEqual([["a.txt", true], ["b.txt", true]]);
  expect(versions.Versions?.map((v) => v.VersionId)).not.toContain(later);
  expect((await s3.send(new GetBucketVersioningCommand({ Bucket: "v1.rel" }))).Status).toBe("Enabled");
  // A tag's objects copy out into a branch like any other version.
  await s3.send(new CopyObjectCommand({ Bucket: "rel", Key: "restored.txt", CopySource: "v1.rel/a.txt" }));
  expect(await text("rel", "restored.txt")).toBe("a1");
});

test("every write into a tag is 403 AccessDenied saying it is a tag", async () => {
  const writes: Array<[string, () => Promise<unknown>]> = [
    ["PutObject", () => s3.send(new PutObjectCommand({ Bucket: "v1.rel", Key: "a.txt", Body: "no" }))],
    ["DeleteObject", () => s3.send(new DeleteObjectCommand({ Bucket: "v1.rel", Key: "a.txt" }))],
    ["DeleteObjects", () => s3.send(new DeleteObjectsCommand({ Bucket: "v1.rel", Delete: { Objects: [{ Key: "a.txt" }] } }))],
    ["CreateMultipartUpload", () => s3.send(new CreateMultipartUploadCommand({ Bucket: "v1.rel", Key: "big" }))],
    ["UploadPart", () => s3.send(new UploadPartCommand({ Bucket: "v1.rel", Key: "big", UploadId: "0".repeat(32), PartNumber: 1, Body: "x" }))],
    ["CompleteMultipartUpload", () => s3.send(new CompleteMultipartUploadCommand({ Bucket: "v1.rel", Key: "big", UploadId: "0".repeat(32), MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x"' }] } }))],
    ["CopyObject", () => s3.send(new CopyObjectCommand({ Bucket: "v1.rel", Key: "c.txt", CopySource: "rel/a.txt" }))],
    ["PutBucketVersioning", () => s3.send(new PutBucketVersioningCommand({ Bucket: "v1.rel", VersioningConfiguration: { Status: "Suspended" } }))],
    ["DeleteBucket", () => s3.send(new DeleteBucketCommand({ Bucket: "v1.rel" }))],
  ];
  for (const [op, send] of writes) {
    const err = await failure(send());
    expect({ op, name: err?.name, status: err?.$metadata.httpStatusCode }).toEqual({ op, name: "AccessDenied", status: 403 });
    expect(err!.message).toContain("v1.rel is a tag, which is read-only");
  }
  expect(await text("v1.rel", "a.txt")).toBe("a1");
  expect(server.repo.tag("rel", "v1")?.commit).toBe(tagged);
});

test("a tag and a branch can't share a name: CreateBucket over a tag is refused", async () => {
  const err = await failure(s3.send(new CreateBucketCommand({ Bucket: "v1.rel" })));
  expect([err?.name, err?.$metadata.httpStatusCode]).toEqual(["BucketAlreadyOwnedByYou", 409]);
  await expect(server.repo.createTag("rel", "master", { repo: "rel", branch: "master" })).rejects.toMatchObject({ code: "BranchExists" });
});

test("a deleted tag is no bucket; made again at another commit, the bucket shows that one", async () => {
  await s3.send(new HeadBucketCommand({ Bucket: "v1.rel" }));
  expect(await text("v1.rel", "a.txt")).toBe("a1"); // its view is cached now
  await server.repo.deleteTag("rel", "v1");
  const gone = await failure(s3.send(new GetObjectCommand({ Bucket: "v1.rel", Key: "a.txt" })));
  expect([gone?.name, gone?.$metadata.httpStatusCode]).toEqual(["NoSuchBucket", 404]);
  await server.repo.createTag("rel", "v1", { repo: "rel", commit: later });
  expect(await text("v1.rel", "a.txt")).toBe("a2, after the tag");
});
