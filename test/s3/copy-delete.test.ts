// CopyObject (within and across branches and repos, from a version, COPY/REPLACE, copy-source conditions),
// DeleteObject and DeleteObjects (one commit, quiet mode), and read-only commit buckets.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { expectError, http, list, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;
let v1: string;
let etag1: string;

const copy = (to: string, source: string, headers: Record<string, string> = {}) =>
  s3.call(to, { method: "PUT", headers: { "x-amz-copy-source": source, ...headers } });

beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
  for (const b of ["/src", "/dev.src", "/other"]) await s3.put(b, "");
  const first = await s3.put("/src/file", "version one", { "content-type": "text/x-one", "x-amz-meta-tag": "one" });
  v1 = first.headers.get("x-amz-version-id")!;
  etag1 = first.headers.get("etag")!;
  await s3.put("/src/file", "version two", { "content-type": "text/x-two", "x-amz-meta-tag": "two" });
});
afterAll(() => server.stop());

describe("CopyObject", () => {
  test("within a branch keeps content and metadata (COPY) and answers the XML result", async () => {
    const res = await copy("/src/copied", "/src/file");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/<CopyObjectResult[^>]*><ETag>&quot;[0-9a-f]{64}&quot;<\/ETag><LastModified>[^<]+Z<\/LastModified><\/CopyObjectResult>/);
    expect(res.headers.get("x-amz-version-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get("x-amz-copy-source-version-id")).toMatch(/^[0-9a-f]{32}$/);
    const got = await s3.call("/src/copied");
    expect(await got.text()).toBe("version two");
    expect(got.headers.get("content-type")).toBe("text/x-two");
    expect(got.headers.get("x-amz-meta-tag")).toBe("two");
  });

  test("to another branch and another repo, with an URL-encoded source without a leading slash", async () => {
    await s3.put("/src/with%20space%2Bplus", "spaced");
    expect((await copy("/dev.src/x", "src/with%20space%2Bplus")).status).toBe(200);
    expect(await (await s3.call("/dev.src/x")).text()).toBe("spaced");
    expect((await copy("/other/y", "/master.src/with%20space%2Bplus")).status).toBe(200);
    expect(await (await s3.call("/other/y")).text()).toBe("spaced");
  });

  test("from a version (?versionId=) and from a commit bucket", async () => {
    const res = await copy("/other/old", `/src/file?versionId=${v1}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-amz-copy-source-version-id")).toBe(v1);
    const got = await s3.call("/other/old");
    expect(await got.text()).toBe("version one");
    expect(got.headers.get("etag")).toBe(etag1);
    expect((await copy("/other/old2", `/${v1}.master.src/file`)).status).toBe(200);
    expect(await (await s3.call("/other/old2")).text()).toBe("version one");
  });

  test("REPLACE takes the request's metadata; copying onto itself needs REPLACE", async () => {
    const res = await copy("/src/file", "/src/file", { "x-amz-metadata-directive": "REPLACE", "content-type": "text/x-new", "x-amz-meta-fresh": "yes" });
    expect(res.status).toBe(200);
    const got = await s3.call("/src/file", { method: "HEAD" });
    expect(got.headers.get("content-type")).toBe("text/x-new");
    expect(got.headers.get("x-amz-meta-fresh")).toBe("yes");
    expect(got.headers.get("x-amz-meta-tag")).toBeNull();
    await expectError(await copy("/src/file", "/src/file"), 400, "InvalidRequest");
    await expectError(await copy("/master.src/file", "/src/file"), 400, "InvalidRequest");
    await expectError(await copy("/src/z", "/src/file", { "x-amz-metadata-directive": "MERGE" }), 400, "InvalidArgument");
  });

  test("copy-source conditions fail with 412", async () => {
    const etag = (await s3.call("/src/file", { method: "HEAD" })).headers.get("etag")!;
    const past = new Date(Date.now() - 3600_000).toUTCString();
    const future = new Date(Date.now() + 3600_000).toUTCString();
    expect((await copy("/src/c1", "/src/file", { "x-amz-copy-source-if-match": etag })).status).toBe(200);
    await expectError(await copy("/src/c2", "/src/file", { "x-amz-copy-source-if-match": '"nope"' }), 412, "PreconditionFailed");
    await expectError(await copy("/src/c3", "/src/file", { "x-amz-copy-source-if-none-match": etag }), 412, "PreconditionFailed");
    await expectError(await copy("/src/c4", "/src/file", { "x-amz-copy-source-if-unmodified-since": past }), 412, "PreconditionFailed");
    await expectError(await copy("/src/c5", "/src/file", { "x-amz-copy-source-if-modified-since": future }), 412, "PreconditionFailed");
    expect((await s3.call("/src/c2")).status).toBe(404);
  });

  test("missing sources and malformed headers", async () => {
    await expectError(await copy("/src/d", "/src/nope"), 404, "NoSuchKey");
    await expectError(await copy("/src/d", "/nobucket/nope"), 404, "NoSuchBucket");
    await expectError(await copy("/src/d", "nokey"), 400, "InvalidArgument");
    await expectError(await copy("/src/d", `/src/file?versionId=${"0".repeat(32)}`), 404, "NoSuchVersion");
  });
});

describe("DeleteObject and DeleteObjects", () => {
  // AWS, "Working with delete markers": a simple DELETE inserts a delete marker, whether or not the key exists.
  test("DeleteObject records a delete marker, for a missing key too; a version id that names nothing deletes nothing", async () => {
    await s3.put("/other/del", "x");
    const res = await s3.call("/other/del", { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(res.headers.get("x-amz-delete-marker")).toBe("true");
    expect(res.headers.get("x-amz-version-id")).toMatch(/^[0-9a-f]{32}$/);
    expect((await s3.call("/other/del")).status).toBe(404);
    const missing = await s3.call("/other/never-there", { method: "DELETE" });
    expect(missing.status).toBe(204);
    expect(missing.headers.get("x-amz-delete-marker")).toBe("true");
    const markers = list((await s3.xml("/other?versions&prefix=never-there")).doc.ListVersionsResult.DeleteMarker);
    expect(markers.map((m: any) => [m.VersionId, m.IsLatest])).toEqual([[missing.headers.get("x-amz-version-id"), "true"]]);
    const nothing = await s3.call(`/other/del?versionId=${"1".repeat(32)}`, { method: "DELETE" });
    expect(nothing.status).toBe(204);
    expect(nothing.headers.get("x-amz-version-id")).toBe("1".repeat(32));
    expect(nothing.headers.get("x-amz-delete-marker")).toBeNull();
    await expectError(await s3.call("/other/del?versionId=nonsense", { method: "DELETE" }), 400, "InvalidArgument");
  });

  // AWS, "Deleting object versions from a versioning-enabled bucket": a DELETE with a version id removes that version for good.
  test("deleting by version id purges that version: older ones, the current one, and through DeleteObjects", async () => {
    const old = (await s3.put("/other/byversion", "1")).headers.get("x-amz-version-id")!;
    const current = (await s3.put("/other/byversion", "2")).headers.get("x-amz-version-id")!;
    const purgedOld = await s3.call(`/other/byversion?versionId=${old}`, { method: "DELETE" });
    expect(purgedOld.status).toBe(204);
    expect(purgedOld.headers.get("x-amz-version-id")).toBe(old);
    expect(purgedOld.headers.get("x-amz-delete-marker")).toBeNull();
    await expectError(await s3.call(`/other/byversion?versionId=${old}`), 404, "NoSuchVersion");
    expect(await (await s3.call("/other/byversion")).text()).toBe("2");
    const res = await s3.call(`/other/byversion?versionId=${current}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(res.headers.get("x-amz-version-id")).toBe(current);
    await expectError(await s3.call("/other/byversion"), 404, "NoSuchKey"); // no version left: the key is gone
    // The same through DeleteObjects: each entry names the version it purged.
    const a = (await s3.put("/other/bv2", "a")).headers.get("x-amz-version-id")!;
    const body = `<Delete><Object><Key>bv2</Key><VersionId>${a}</VersionId></Object><Object><Key>byversion</Key><VersionId>${old}</VersionId></Object></Delete>`;
    const { doc } = await s3.xml("/other?delete", { method: "POST", body });
    expect(list(doc.DeleteResult.Deleted).map((d: any) => [d.Key, d.VersionId, d.DeleteMarker])).toEqual([["bv2", a, undefined], ["byversion", old, undefined]]);
    expect(doc.DeleteResult.Error).toBeUndefined();
    expect((await s3.call("/other/bv2")).status).toBe(404);
    expect(list((await s3.xml("/other?versions&prefix=bv2")).doc.ListVersionsResult.Version)).toEqual([]);
  });

  const deleteXml = (keys: string[], quiet = false) =>
    `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet ? "<Quiet>true</Quiet>" : ""}`
    + keys.map((k) => `<Object><Key>${k.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</Key></Object>`).join("") + "</Delete>";

  test("DeleteObjects is one commit for the whole batch", async () => {
    const keys = ["batch/a", "batch/b & c", "batch/<d>", " batch/spaced "];
    for (const k of keys) await s3.put(`/other/${encodeURIComponent(k)}`, k);
    const before = (await s3.call("/other?versions")).status;
    expect(before).toBe(200);
    const { res, doc } = await s3.xml("/other?delete", { method: "POST", body: deleteXml(keys) });
    const deleted = list(doc.DeleteResult.Deleted);
    expect(deleted.map((d: any) => d.Key).sort()).toEqual([...keys].sort());
    const commit = res.headers.get("x-amz-version-id");
    for (const d of deleted) {
      expect(d.DeleteMarker).toBe("true");
      expect(d.DeleteMarkerVersionId).toBe(commit);
    }
    const markers = list((await s3.xml("/other?versions&prefix=batch/")).doc.ListVersionsResult.DeleteMarker);
    expect(new Set(markers.map((m: any) => m.VersionId))).toEqual(new Set([commit]));
    const remaining = (await s3.xml("/other?list-type=2&prefix=batch/")).doc.ListBucketResult;
    expect(remaining.KeyCount).toBe("0");
    expect((await s3.call(`/other/${encodeURIComponent(" batch/spaced ")}`)).status).toBe(404);
  });

  test("quiet mode lists only errors", async () => {
    await s3.put("/other/q1", "x");
    const { doc } = await s3.xml("/other?delete", { method: "POST", body: deleteXml(["q1", "q2"], true) });
    expect(doc.DeleteResult.Deleted).toBeUndefined();
    expect((await s3.call("/other/q1")).status).toBe(404);
  });

  test("malformed batches", async () => {
    await expectError(await s3.call("/other?delete", { method: "POST", body: "<Delete></Delete>" }), 400, "MalformedXML");
    await expectError(await s3.call("/other?delete", { method: "POST", body: "not xml" }), 400, "MalformedXML");
    const tooMany = deleteXml(Array.from({ length: 1001 }, (_, i) => `k${i}`));
    await expectError(await s3.call("/other?delete", { method: "POST", body: tooMany }), 400, "MalformedXML");
  });
});

describe("commit buckets are read-only", () => {
  test("every write answers 403 AccessDenied saying why", async () => {
    const bucket = `/${v1}.master.src`;
    const writes: Array<[string, { method: string; body?: string; headers?: Record<string, string> }]> = [
      [`${bucket}/k`, { method: "PUT", body: "x" }],
      [`${bucket}/k`, { method: "PUT", headers: { "x-amz-copy-source": "/src/file" } }],
      [`${bucket}/file`, { method: "DELETE" }],
      [`${bucket}?delete`, { method: "POST", body: "<Delete><Object><Key>file</Key></Object></Delete>" }],
      [`${bucket}/k?uploads`, { method: "POST" }],
      [bucket, { method: "DELETE" }],
      [`/${v1}.src/k`, { method: "PUT", body: "x" }],
    ];
    for (const [path, init] of writes) {
      const text = await expectError(await s3.call(path, init), 403, "AccessDenied");
      expect(text).toContain("read-only");
    }
    expect(await (await s3.call(`${bucket}/file`)).text()).toBe("version one");
    expect(await (await s3.call(`/${v1}.src/file`)).text()).toBe("version one");
  });

  test("a commit not in the branch's history is no bucket", async () => {
    const devCommit = (await s3.put("/dev.src/only-dev", "d")).headers.get("x-amz-version-id");
    await expectError(await s3.call(`/${devCommit}.master.src/only-dev`), 404, "NoSuchBucket");
    expect((await s3.call(`/${devCommit}.dev.src/only-dev`)).status).toBe(200);
  });
});
