// Multipart uploads: concurrent out-of-order parts, UploadPartCopy with ranges, ListParts, ListMultipartUploads,
// GET ?partNumber, and the errors S3 gives (EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { expectedDigest } from "../helpers/repo.ts";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { expectError, http, list, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;
const MiB = 1024 * 1024;

beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
  await s3.put("/mpu", "");
});
afterAll(() => server.stop());

async function create(key: string, headers: Record<string, string> = {}): Promise<string> {
  const { doc } = await s3.xml(`/mpu/${key}?uploads`, { method: "POST", headers });
  expect(doc.InitiateMultipartUploadResult.Key).toBe(key);
  expect(doc.InitiateMultipartUploadResult.Bucket).toBe("mpu");
  return doc.InitiateMultipartUploadResult.UploadId;
}

async function part(key: string, id: string, n: number, body: Uint8Array<ArrayBuffer>): Promise<string> {
  const res = await s3.call(`/mpu/${key}?uploadId=${id}&partNumber=${n}`, { method: "PUT", body });
  if (res.status !== 200) throw new Error(`part ${n}: ${res.status} ${await res.text()}`);
  return res.headers.get("etag")!;
}

const completeXml = (parts: Array<[number, string]>) =>
  `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;

const complete = (key: string, id: string, parts: Array<[number, string]>) =>
  s3.call(`/mpu/${key}?uploadId=${id}`, { method: "POST", body: completeXml(parts) });

const digest = (b: Uint8Array) => Buffer.from(expectedDigest(b), "hex");

describe("a multipart upload", () => {
  const sizes = [5 * MiB, 5 * MiB + 17, 5 * MiB, 1234];
  const parts = sizes.map((n) => new Uint8Array(randomBytes(n)));
  const whole = Buffer.concat(parts);
  let id: string;
  let etags: string[];

  test("parts arrive concurrently and out of order", async () => {
    id = await create("big", { "content-type": "application/x-big", "x-amz-meta-kind": "multi" });
    etags = new Array(parts.length);
    await Promise.all([3, 1, 0, 2].map(async (i) => (etags[i] = await part("big", id, i + 1, parts[i]))));
    for (let i = 0; i < parts.length; i++) expect(etags[i]).toBe(`"${digest(parts[i]).toString("hex")}"`);
    // Re-sending a part replaces it.
    etags[1] = await part("big", id, 2, parts[1]);
  });

  test("ListParts pages through the parts in order", async () => {
    const { doc } = await s3.xml(`/mpu/big?uploadId=${id}&max-parts=3`);
    const r = doc.ListPartsResult;
    expect(r.IsTruncated).toBe("true");
    expect(list(r.Part).map((p: any) => Number(p.PartNumber))).toEqual([1, 2, 3]);
    expect(list(r.Part).map((p: any) => Number(p.Size))).toEqual(sizes.slice(0, 3));
    expect(list(r.Part)[0].ETag).toBe(etags[0]);
    expect(r.NextPartNumberMarker).toBe("3");
    const rest = (await s3.xml(`/mpu/big?uploadId=${id}&part-number-marker=3`)).doc.ListPartsResult;
    expect(rest.IsTruncated).toBe("false");
    expect(list(rest.Part).map((p: any) => Number(p.PartNumber))).toEqual([4]);
  });

  test("ListMultipartUploads shows it", async () => {
    const other = await create("another");
    const { doc } = await s3.xml("/mpu?uploads");
    const uploads = list(doc.ListMultipartUploadsResult.Upload);
    expect(uploads.map((u: any) => u.Key)).toEqual(["another", "big"]);
    expect(uploads.find((u: any) => u.Key === "big").UploadId).toBe(id);
    const page = (await s3.xml("/mpu?uploads&max-uploads=1")).doc.ListMultipartUploadsResult;
    expect(page.IsTruncated).toBe("true");
    expect(page.NextKeyMarker).toBe("another");
    const next = (await s3.xml(`/mpu?uploads&key-marker=${page.NextKeyMarker}&upload-id-marker=${page.NextUploadIdMarker}`)).doc.ListMultipartUploadsResult;
    expect(list(next.Upload).map((u: any) => u.Key)).toEqual(["big"]);
    expect((await s3.xml("/mpu?uploads&prefix=b")).doc.ListMultipartUploadsResult.Upload.Key).toBe("big");
    expect((await s3.call(`/mpu/another?uploadId=${other}`, { method: "DELETE" })).status).toBe(204);
  });

  test("errors: InvalidPartOrder, InvalidPart, EntityTooSmall, MalformedXML", async () => {
    const all = etags.map((e, i) => [i + 1, e] as [number, string]);
    await expectError(await complete("big", id, [all[1], all[0]]), 400, "InvalidPartOrder");
    await expectError(await complete("big", id, [all[0], [2, '"0000"']]), 400, "InvalidPart");
    await expectError(await complete("big", id, [all[0], [9, etags[0]]]), 400, "InvalidPart");
    const small = await create("small");
    const e1 = await part("small", small, 1, new Uint8Array(100));
    const e2 = await part("small", small, 2, new Uint8Array(100));
    const tooSmall = await expectError(await complete("small", small, [[1, e1], [2, e2]]), 400, "EntityTooSmall");
    expect(tooSmall).toContain("<PartNumber>1</PartNumber>");
    await expectError(await s3.call(`/mpu/small?uploadId=${small}`, { method: "POST", body: "<CompleteMultipartUpload/>" }), 400, "MalformedXML");
    await expectError(await s3.call(`/mpu/small?uploadId=${small}&partNumber=0`, { method: "PUT", body: "x" }), 400, "InvalidArgument");
    await expectError(await s3.call(`/mpu/small?uploadId=${small}&partNumber=10001`, { method: "PUT", body: "x" }), 400, "InvalidArgument");
    // A single small part is a valid upload: only parts before the last must be 5 MiB.
    expect((await complete("small", small, [[1, e1]])).status).toBe(200);
  });

  test("complete: one object, multipart ETag, metadata from create, readable by part", async () => {
    const all = etags.map((e, i) => [i + 1, e] as [number, string]);
    const res = await complete("big", id, all);
    const text = await res.text();
    expect(res.status).toBe(200);
    const expectedEtag = `"${createHash("sha256").update(Buffer.concat(parts.map(digest))).digest("hex")}-4"`;
    expect(text).toContain(`<ETag>${expectedEtag.replace(/"/g, "&quot;")}</ETag>`);
    expect(text).toContain("<Bucket>mpu</Bucket>");
    expect(text).toContain("<Key>big</Key>");
    expect(res.headers.get("x-amz-version-id")).toMatch(/^[0-9a-f]{32}$/);
    const got = await s3.call("/mpu/big");
    expect(got.headers.get("etag")).toBe(expectedEtag);
    expect(got.headers.get("content-type")).toBe("application/x-big");
    expect(got.headers.get("x-amz-meta-kind")).toBe("multi");
    expect(Buffer.from(await got.arrayBuffer()).equals(whole)).toBe(true);
    let offset = 0;
    for (let n = 1; n <= 4; n++) {
      const p = await s3.call(`/mpu/big?partNumber=${n}`);
      expect(p.status).toBe(206);
      expect(p.headers.get("x-amz-mp-parts-count")).toBe("4");
      expect(p.headers.get("etag")).toBe(expectedEtag);
      expect(p.headers.get("content-range")).toBe(`bytes ${offset}-${offset + sizes[n - 1] - 1}/${whole.length}`);
      expect(Buffer.from(await p.arrayBuffer()).equals(parts[n - 1])).toBe(true);
      offset += sizes[n - 1];
    }
    const ranged = await s3.call("/mpu/big", { headers: { range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}` } });
    expect(Buffer.from(await ranged.arrayBuffer()).equals(whole.subarray(5 * MiB - 2, 5 * MiB + 2))).toBe(true);
  });

  test("a completed upload is gone: NoSuchUpload everywhere", async () => {
    await expectError(await complete("big", id, [[1, etags[0]]]), 404, "NoSuchUpload");
    await expectError(await s3.call(`/mpu/big?uploadId=${id}&partNumber=1`, { method: "PUT", body: "x" }), 404, "NoSuchUpload");
    await expectError(await s3.call(`/mpu/big?uploadId=${id}`), 404, "NoSuchUpload");
    await expectError(await s3.call(`/mpu/big?uploadId=${id}`, { method: "DELETE" }), 404, "NoSuchUpload");
    await expectError(await s3.call("/mpu/big?uploadId=nonsense", { method: "DELETE" }), 404, "NoSuchUpload");
    expect(list((await s3.xml("/mpu?uploads")).doc.ListMultipartUploadsResult.Upload)).toHaveLength(0);
  });
});

test("abort while a part streams in: the part is refused", async () => {
  const id = await create("aborted");
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const body = new ReadableStream({
    async start(c) {
      c.enqueue(new Uint8Array(1000));
      await gate;
      c.enqueue(new Uint8Array(1000));
      c.close();
    },
  });
  const pending = fetch(`${server.url}/mpu/aborted?uploadId=${id}&partNumber=1`, { method: "PUT", body, duplex: "half" } as RequestInit);
  await Bun.sleep(50);
  expect((await s3.call(`/mpu/aborted?uploadId=${id}`, { method: "DELETE" })).status).toBe(204);
  release();
  await expectError(await pending, 404, "NoSuchUpload");
});

test("an upload belongs to its key", async () => {
  const id = await create("mine");
  await expectError(await s3.call(`/mpu/theirs?uploadId=${id}&partNumber=1`, { method: "PUT", body: "x" }), 404, "NoSuchUpload");
});

test("UploadPartCopy copies whole objects and byte ranges", async () => {
  const source = new Uint8Array(randomBytes(6 * MiB));
  await s3.put("/mpu/source", source);
  const id = await create("assembled");
  const copyPart = async (n: number, range?: string) => {
    const headers: Record<string, string> = { "x-amz-copy-source": "/mpu/source" };
    if (range) headers["x-amz-copy-source-range"] = range;
    const { doc, res } = await s3.xml(`/mpu/assembled?uploadId=${id}&partNumber=${n}`, { method: "PUT", headers });
    expect(res.headers.get("x-amz-copy-source-version-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(doc.CopyPartResult.LastModified).toMatch(/Z$/);
    return doc.CopyPartResult.ETag as string;
  };
  const e1 = await copyPart(1);
  expect(e1).toBe(`"${expectedDigest(source)}"`); // the ETag the same bytes get when uploaded
  const e2 = await copyPart(2, "bytes=100-199");
  expect(e2).toBe(`"${expectedDigest(source.subarray(100, 200))}"`);
  await expectError(await s3.call(`/mpu/assembled?uploadId=${id}&partNumber=3`, {
    method: "PUT", headers: { "x-amz-copy-source": "/mpu/source", "x-amz-copy-source-range": `bytes=0-${6 * MiB}` },
  }), 416, "InvalidRange");
  await expectError(await s3.call(`/mpu/assembled?uploadId=${id}&partNumber=3`, {
    method: "PUT", headers: { "x-amz-copy-source": "/mpu/source", "x-amz-copy-source-range": "100-200" },
  }), 400, "InvalidArgument");
  expect((await complete("assembled", id, [[1, e1], [2, e2]])).status).toBe(200);
  const got = Buffer.from(await (await s3.call("/mpu/assembled")).arrayBuffer());
  expect(got.equals(Buffer.concat([source, source.subarray(100, 200)]))).toBe(true);
});

test("UploadPartCopy of a whole multipart object gives the ETag its bytes get when uploaded", async () => {
  const pieces = [new Uint8Array(randomBytes(5 * MiB)), new Uint8Array(randomBytes(1000))];
  const sourceId = await create("multi-source");
  const sourceParts = await Promise.all(pieces.map(async (p, i) => [i + 1, await part("multi-source", sourceId, i + 1, p)] as [number, string]));
  expect((await complete("multi-source", sourceId, sourceParts)).status).toBe(200);
  const id = await create("copied");
  const { doc } = await s3.xml(`/mpu/copied?uploadId=${id}&partNumber=1`, { method: "PUT", headers: { "x-amz-copy-source": "/mpu/multi-source" } });
  expect(doc.CopyPartResult.ETag).toBe(`"${expectedDigest(Buffer.concat(pieces))}"`);
  expect((await s3.call(`/mpu/copied?uploadId=${id}`, { method: "DELETE" })).status).toBe(204);
});
