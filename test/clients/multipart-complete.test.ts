// CompleteMultipartUpload through @aws-sdk/client-s3, retried and raced. AWS asks applications to retry a failed
// complete (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html), and an SDK whose
// answer was lost does: the retry must get the first answer (same ETag, VersionId, Location, Bucket, Key), also
// after a restart. Of concurrent completes exactly one makes a version; the others answer as its retry would when
// they name the same parts, and fail (NoSuchUpload or InvalidPart) when they do not.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import {
  CompleteMultipartUploadCommand,
  type CompleteMultipartUploadCommandOutput,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { randomBytes } from "node:crypto";
import { tempDir, withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";

const BUCKET = "race";
const dataDir = tempDir();
let server: StrataServer;
let client: S3Client;

const sdk = (port: number) =>
  new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
    maxAttempts: 1, // the tests retry by hand, to see each answer
  });

beforeAll(async () => {
  server = await withServer({ dataDir });
  client = sdk(server.port);
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Parts = Array<{ PartNumber: number; ETag: string }>;

/** An upload of `key` with two parts (5 MiB, then a few bytes), and the bytes it holds. */
async function uploadWithParts(key: string): Promise<{ id: string; parts: Parts; bytes: Buffer }> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
  const bodies = [randomBytes(5 * 1024 * 1024), randomBytes(100)];
  const parts: Parts = [];
  for (const [i, Body] of bodies.entries()) {
    const { ETag } = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body }));
    parts.push({ PartNumber: i + 1, ETag: ETag! });
  }
  return { id: UploadId!, parts, bytes: Buffer.concat(bodies) };
}

const complete = (key: string, id: string, parts: Parts, to = client) =>
  to.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: id, MultipartUpload: { Parts: parts } }));

/** What a client sees of a complete's answer. */
const answer = (r: CompleteMultipartUploadCommandOutput) => ({ ETag: r.ETag, VersionId: r.VersionId, Location: r.Location, Bucket: r.Bucket, Key: r.Key });

async function versionsOf(key: string) {
  const listed = await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }));
  return (listed.Versions ?? []).filter((v) => v.Key === key);
}

const errorName = (reason: unknown) => (reason instanceof S3ServiceException ? reason.name : String(reason));

describe("CompleteMultipartUpload retried after it succeeded", () => {
  test("answers the same success again, also after a restart, and makes no second version", async () => {
    const { id, parts, bytes } = await uploadWithParts("retried");
    const first = answer(await complete("retried", id, parts));
    expect(first.VersionId).toMatch(/^[0-9a-f]{32}$/);
    expect(first).toMatchObject({ Bucket: BUCKET, Key: "retried", Location: `/${BUCKET}/retried` });
    expect(answer(await complete("retried", id, parts))).toEqual(first);

    await server.stop();
    server = await withServer({ dataDir });
    client = sdk(server.port);
    expect(answer(await complete("retried", id, parts))).toEqual(first);

    const versions = await versionsOf("retried");
    expect(versions.map((v) => v.VersionId)).toEqual([first.VersionId]);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "retried" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes)).toBe(true);
  });

  test("a retry naming other parts, or under another key, is NoSuchUpload", async () => {
    const { id, parts } = await uploadWithParts("other-list");
    await complete("other-list", id, parts);
    const refused = await Promise.allSettled([complete("other-list", id, parts.slice(0, 1)), complete("another-key", id, parts)]);
    expect(refused.map((r) => (r.status === "rejected" ? errorName(r.reason) : "fulfilled"))).toEqual(["NoSuchUpload", "NoSuchUpload"]);
    expect(await versionsOf("another-key")).toEqual([]);
  });
});

describe("concurrent CompleteMultipartUpload of one upload", () => {
  test("8 with the same part list: one version, 8 identical 200 answers", async () => {
    const { id, parts } = await uploadWithParts("eight");
    const answers = (await Promise.all(Array.from({ length: 8 }, () => complete("eight", id, parts)))).map(answer);
    expect(answers[0].VersionId).toMatch(/^[0-9a-f]{32}$/);
    for (const a of answers) expect(a).toEqual(answers[0]);
    const versions = await versionsOf("eight");
    expect(versions.map((v) => [v.VersionId, v.ETag, v.IsLatest])).toEqual([[answers[0].VersionId, answers[0].ETag, true]]);
  });

  test("2 with different part lists: exactly one wins, the other is NoSuchUpload or InvalidPart", async () => {
    const { id, parts, bytes } = await uploadWithParts("two");
    const settled = await Promise.allSettled([complete("two", id, parts), complete("two", id, parts.slice(0, 1))]);
    const won = settled.flatMap((r, i) => (r.status === "fulfilled" ? [{ i, answer: answer(r.value) }] : []));
    expect(won).toHaveLength(1);
    const lost = settled.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(["NoSuchUpload", "InvalidPart"]).toContain(errorName(lost.reason));
    const versions = await versionsOf("two");
    expect(versions.map((v) => v.VersionId)).toEqual([won[0].answer.VersionId]);
    expect(versions[0].Size).toBe(won[0].i === 0 ? bytes.length : 5 * 1024 * 1024);
  });
});
