// A protected branch through the JS SDK: every direct write (PUT, DELETE, DeleteObjects, CopyObject into it,
// CreateMultipartUpload, DeleteBucket) is 403 AccessDenied with a message that says to merge
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html: AccessDenied, 403); reads go on; merges and
// reverts land and read back through S3; unprotected, it takes writes again.
import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { StrataServer } from "../../src/server.ts";
import { failure, objectText, sdkClient } from "../helpers/sdk.ts";
import { withServer } from "../helpers/server.ts";

let server: StrataServer;
let s3: S3Client;

beforeAll(async () => {
  server = await withServer();
  s3 = sdkClient(server.url);
  await s3.send(new CreateBucketCommand({ Bucket: "safe" }));
  await s3.send(new PutObjectCommand({ Bucket: "safe", Key: "a.txt", Body: "a" }));
  await server.repo.createBranch("safe", "dev", { branch: "master" });
  await server.repo.setProtected("safe", "master", true);
});
afterAll(() => server.stop());

const text = (bucket: string, key: string) => objectText(s3, bucket, key);

test("every direct write is 403 AccessDenied saying to merge; reads go on", async () => {
  const head = server.repo.requireBranch("safe", "master").head;
  const writes: Array<[string, () => Promise<unknown>]> = [
    ["PutObject", () => s3.send(new PutObjectCommand({ Bucket: "safe", Key: "a.txt", Body: "direct" }))],
    ["DeleteObject", () => s3.send(new DeleteObjectCommand({ Bucket: "master.safe", Key: "a.txt" }))],
    ["DeleteObjects", () => s3.send(new DeleteObjectsCommand({ Bucket: "safe", Delete: { Objects: [{ Key: "a.txt" }] } }))],
    ["CopyObject", () => s3.send(new CopyObjectCommand({ Bucket: "safe", Key: "b.txt", CopySource: "safe/a.txt" }))],
    ["CreateMultipartUpload", () => s3.send(new CreateMultipartUploadCommand({ Bucket: "safe", Key: "big" }))],
    ["DeleteBucket", () => s3.send(new DeleteBucketCommand({ Bucket: "safe" }))],
  ];
  for (const [op, send] of writes) {
    const err = await failure(send());
    expect({ op, name: err?.name, status: err?.$metadata.httpStatusCode }).toEqual({ op, name: "AccessDenied", status: 403 });
    expect(err!.message).toContain("is protected");
    expect(err!.message).toContain(op === "DeleteBucket" ? "unprotect it first" : "merge it in (strata merge <branch>.safe master.safe)");
  }
  expect(server.repo.requireBranch("safe", "master").head).toBe(head);
  expect(server.repo.uploads({ repo: "safe", branch: "master" })).toEqual([]);
  expect(await text("safe", "a.txt")).toBe("a");
  expect((await s3.send(new ListObjectsV2Command({ Bucket: "safe" }))).KeyCount).toBe(1);
});

test("merges and reverts land on it, and read back through S3", async () => {
  await s3.send(new PutObjectCommand({ Bucket: "dev.safe", Key: "a.txt", Body: "a via dev" }));
  const { VersionId: added } = await s3.send(new PutObjectCommand({ Bucket: "dev.safe", Key: "new.txt", Body: "new" }));
  const merged = await server.repo.merge({ repo: "safe", branch: "master" }, { repo: "safe", branch: "dev" });
  expect(merged.result).toBe("fast-forward");
  expect([await text("safe", "a.txt"), await text("safe", "new.txt"), await text(`${merged.commit}.master.safe`, "new.txt")]).toEqual(["a via dev", "new", "new"]);
  expect((await server.repo.revert({ repo: "safe", branch: "master" }, added!)).result).toBe("merged");
  const gone = await failure(s3.send(new GetObjectCommand({ Bucket: "safe", Key: "new.txt" })));
  expect(gone?.name).toBe("NoSuchKey");
});

test("unprotected, it takes direct writes again", async () => {
  await server.repo.setProtected("safe", "master", false);
  await s3.send(new PutObjectCommand({ Bucket: "safe", Key: "a.txt", Body: "direct" }));
  expect(await text("safe", "a.txt")).toBe("direct");
});
