// @aws-sdk/client-s3 (v3) with forcePathStyle true and false (virtual host: bucket.localhost), and the minio client.
// The SDK sends PUT bodies as aws-chunked `STREAMING-UNSIGNED-PAYLOAD-TRAILER` by default, even over HTTP: the
// "default checksums" tests need the payload decoder (src/s3/payload); the others ask for checksums only when required.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import * as Minio from "minio";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { AWKWARD_KEYS } from "./tools.ts";

let server: StrataServer;
beforeAll(async () => {
  server = await withServer();
});
afterAll(() => server.stop());

function sdk(forcePathStyle: boolean, checksums: "WHEN_SUPPORTED" | "WHEN_REQUIRED" = "WHEN_SUPPORTED"): S3Client {
  const client = new S3Client({
    // With virtual-host style the SDK sends requests to http://<bucket>.localhost:PORT with that Host header.
    endpoint: `http://localhost:${server.port}`,
    region: "us-east-1",
    forcePathStyle,
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
    requestChecksumCalculation: checksums,
    responseChecksumValidation: "WHEN_SUPPORTED",
    maxAttempts: 1,
  });
  // *.localhost is loopback (RFC 6761) but node:http's resolver does not know it: connect to 127.0.0.1 while the
  // signed Host header keeps the bucket name. This runs last, after signing, just before the request goes out.
  client.middlewareStack.add((next) => (args) => {
    const req = args.request as { hostname: string };
    if (req.hostname.endsWith(".localhost")) req.hostname = "127.0.0.1";
    return next(args);
  }, { step: "deserialize", name: "connectLocalhostSubdomains" });
  return client;
}

async function errorOf(p: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return { name: err.name, status: err.$metadata.httpStatusCode };
    throw err;
  }
  throw new Error("expected the call to fail");
}

for (const forcePathStyle of [true, false]) {
  describe(`@aws-sdk/client-s3, forcePathStyle ${forcePathStyle}`, () => {
    const bucket = forcePathStyle ? "sdk-path" : "vhost.sdk";
    let client: S3Client;
    const seen: string[] = [];
    beforeAll(async () => {
      client = sdk(forcePathStyle); // the SDK's defaults: CRC32 on every upload, validated on download
      client.middlewareStack.add((next) => async (args) => {
        const req = args.request as { hostname: string; path: string };
        seen.push(`${req.hostname} ${req.path}`);
        return next(args);
      }, { step: "finalizeRequest", name: "recordHost" });
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    });

    test("requests use the addressing style asked for", async () => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: "probe", Body: "p" }));
      const last = seen[seen.length - 1];
      expect(last).toBe(forcePathStyle ? `localhost /${bucket}/probe` : `${bucket}.localhost /probe`);
    });

    test("put, get, head, range, metadata, conditional put", async () => {
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "a.txt", Body: "alpha", ContentType: "text/plain", Metadata: { k: "v" } }));
      expect(put.VersionId).toMatch(/^[0-9a-f]{32}$/);
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "a.txt" }));
      expect(await got.Body!.transformToString()).toBe("alpha");
      expect(got.ContentType).toBe("text/plain");
      expect(got.Metadata).toEqual({ k: "v" });
      expect(got.ETag).toBe(put.ETag);
      const ranged = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "a.txt", Range: "bytes=1-2" }));
      expect(await ranged.Body!.transformToString()).toBe("lp");
      expect(ranged.ContentRange).toBe("bytes 1-2/5");
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "a.txt" }));
      expect(head.ContentLength).toBe(5);
      expect(await errorOf(client.send(new PutObjectCommand({ Bucket: bucket, Key: "a.txt", Body: "x", IfNoneMatch: "*" })))).toEqual({ name: "PreconditionFailed", status: 412 });
      expect(await errorOf(client.send(new GetObjectCommand({ Bucket: bucket, Key: "missing" })))).toEqual({ name: "NoSuchKey", status: 404 });
      expect((await errorOf(client.send(new HeadObjectCommand({ Bucket: bucket, Key: "missing" })))).status).toBe(404);
    });

    // AWS answers a failed read condition with the object's validators (moto#8534 quotes real S3's 304).
    test("304 and 412 of GetObject and HeadObject carry ETag and Last-Modified (304: Cache-Control too)", async () => {
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "cond.txt", Body: "c", CacheControl: "max-age=60" }));
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: "cond.txt" }));
      const lastModified = head.LastModified!.toUTCString();
      const later = new Date(head.LastModified!.getTime() + 3600_000);
      const earlier = new Date(head.LastModified!.getTime() - 3600_000);
      const conditions = [
        [{ IfNoneMatch: put.ETag }, 304],
        [{ IfModifiedSince: later }, 304],
        [{ IfMatch: '"0000"' }, 412],
        [{ IfUnmodifiedSince: earlier }, 412],
      ] as const;
      for (const [condition, status] of conditions) {
        for (const command of [new GetObjectCommand({ Bucket: bucket, Key: "cond.txt", ...condition }), new HeadObjectCommand({ Bucket: bucket, Key: "cond.txt", ...condition })]) {
          const err = await client.send(command as GetObjectCommand).then(() => undefined, (e: S3ServiceException) => e);
          const headers = (err?.$response as { headers: Record<string, string> } | undefined)?.headers ?? {};
          expect([err?.$metadata.httpStatusCode, headers.etag, headers["last-modified"], headers["cache-control"]]).toEqual([
            status, put.ETag, lastModified, status === 304 ? "max-age=60" : undefined,
          ]);
        }
      }
    });

    test("awkward keys round-trip and list", async () => {
      for (const key of AWKWARD_KEYS) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
        const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        expect(await got.Body!.transformToString()).toBe(key);
      }
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 3, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((c) => c.Key!));
        token = page.NextContinuationToken;
      } while (token);
      for (const key of AWKWARD_KEYS) expect(keys).toContain(key);
      expect(new Set(keys).size).toBe(keys.length);
    });

    test("multipart, copy, versions, DeleteObjects", async () => {
      const part1 = randomBytes(5 * 1024 * 1024);
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "mp.bin" }));
      const [e2, e1] = await Promise.all([
        client.send(new UploadPartCommand({ Bucket: bucket, Key: "mp.bin", UploadId, PartNumber: 2, Body: "end" })),
        client.send(new UploadPartCommand({ Bucket: bucket, Key: "mp.bin", UploadId, PartNumber: 1, Body: part1 })),
      ]);
      await client.send(new CompleteMultipartUploadCommand({
        Bucket: bucket, Key: "mp.bin", UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }] },
      }));
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "mp.bin" }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([part1, Buffer.from("end")]))).toBe(true);
      const aborted = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "gone" }));
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: "gone", UploadId: aborted.UploadId }));
      expect((await errorOf(client.send(new UploadPartCommand({ Bucket: bucket, Key: "gone", UploadId: aborted.UploadId, PartNumber: 1, Body: "x" })))).name).toBe("NoSuchUpload");

      const first = await client.send(new PutObjectCommand({ Bucket: bucket, Key: "v", Body: "one" }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: "v", Body: "two" }));
      await client.send(new CopyObjectCommand({ Bucket: bucket, Key: "v-old", CopySource: `${bucket}/v?versionId=${first.VersionId}` }));
      expect(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: "v-old" }))).Body!.transformToString()).toBe("one");
      const versions = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: "v" }));
      expect(versions.Versions!.filter((v) => v.Key === "v").map((v) => v.VersionId)).toContain(first.VersionId);
      const deleted = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "v" }, { Key: "v-old" }] } }));
      expect(deleted.Deleted).toHaveLength(2);
    });
  });
}

describe("@aws-sdk/client-s3 with default checksums", () => {
  test("PutObject of a string and of a stream stores the content, never the framing", async () => {
    const client = sdk(true, "WHEN_SUPPORTED");
    await client.send(new CreateBucketCommand({ Bucket: "sdk-chunked" }));
    await client.send(new PutObjectCommand({ Bucket: "sdk-chunked", Key: "k", Body: "framed?" }));
    const got = await client.send(new GetObjectCommand({ Bucket: "sdk-chunked", Key: "k" }));
    expect(await got.Body!.transformToString()).toBe("framed?");
    expect(got.ContentEncoding).toBeUndefined();
    // A stream of unknown length is where the SDK frames the body with a checksum trailer.
    const body = Readable.from([Buffer.from("streamed "), Buffer.from("body")]);
    await client.send(new PutObjectCommand({ Bucket: "sdk-chunked", Key: "s", Body: body, ContentLength: 13 }));
    const streamed = await client.send(new GetObjectCommand({ Bucket: "sdk-chunked", Key: "s" }));
    expect(await streamed.Body!.transformToString()).toBe("streamed body");
    expect(streamed.ContentLength).toBe(13);
  });
});

describe("minio client", () => {
  test("bucket, put, stat, get, list, copy, remove", async () => {
    const mc = new Minio.Client({ endPoint: "127.0.0.1", port: server.port, useSSL: false, accessKey: "x", secretKey: "x", pathStyle: true, region: "us-east-1" });
    await mc.makeBucket("minio-js");
    expect(await mc.bucketExists("minio-js")).toBe(true);
    expect(await mc.bucketExists("not-there")).toBe(false);
    await mc.putObject("minio-js", "dir/small.txt", Buffer.from("small"), 5, { "Content-Type": "text/plain" });
    const big = randomBytes(12 * 1024 * 1024); // over minio's 5 MiB part size: multipart
    await mc.putObject("minio-js", "big.bin", big);
    const stat = await mc.statObject("minio-js", "big.bin");
    expect(stat.size).toBe(big.length);
    const chunks: Buffer[] = [];
    for await (const c of await mc.getObject("minio-js", "big.bin")) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
    const part: Buffer[] = [];
    for await (const c of await mc.getPartialObject("minio-js", "big.bin", 10, 5)) part.push(c as Buffer);
    expect(Buffer.concat(part).equals(big.subarray(10, 15))).toBe(true);
    const names: string[] = [];
    for await (const o of mc.listObjectsV2("minio-js", "", true)) names.push((o as { name: string }).name);
    expect(names.sort()).toEqual(["big.bin", "dir/small.txt"]);
    await mc.copyObject("minio-js", "copy.txt", "/minio-js/dir/small.txt", new Minio.CopyConditions());
    expect((await mc.statObject("minio-js", "copy.txt")).size).toBe(5);
    await mc.removeObjects("minio-js", ["copy.txt", "big.bin"]);
    await mc.removeObject("minio-js", "dir/small.txt");
    const left: string[] = [];
    for await (const o of mc.listObjectsV2("minio-js", "", true)) left.push((o as { name: string }).name);
    expect(left).toEqual([]);
    // The versions under the delete markers would be lost: refused until they are deleted by id.
    await expect(mc.removeBucket("minio-js")).rejects.toMatchObject({ code: "BucketNotEmpty" });
    const versions: Array<{ name: string; versionId: string }> = [];
    for await (const o of mc.listObjects("minio-js", "", true, { IncludeVersion: true })) {
      const v = o as { name: string; versionId: string };
      versions.push({ name: v.name, versionId: v.versionId });
    }
    expect(versions.length).toBeGreaterThanOrEqual(6); // three objects and their three delete markers
    await mc.removeObjects("minio-js", versions);
    await mc.removeBucket("minio-js");
    expect(await mc.bucketExists("minio-js")).toBe(false);
  }, 60_000);
});
