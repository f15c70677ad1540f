// GetObject / HeadObject / PutObject: headers, Range, conditions, versionId, partNumber, response-*, conditional writes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { expectedDigest } from "../helpers/repo.ts";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { expectError, http, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;
const BODY = "0123456789abcdefghij"; // 20 bytes
let etag: string;
let version: string;
let lastModified: string;

beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
  await s3.put("/obj", "");
  const res = await s3.put("/obj/doc.txt", BODY, {
    "content-type": "text/plain; charset=utf-8",
    "content-encoding": "identity",
    "content-disposition": 'attachment; filename="doc.txt"',
    "content-language": "en",
    "cache-control": "max-age=60",
    expires: "Thu, 01 Dec 2044 16:00:00 GMT",
    "x-amz-meta-colour": "blue",
    "x-amz-meta-Mixed-Case": "kept",
  });
  etag = res.headers.get("etag")!;
  version = res.headers.get("x-amz-version-id")!;
  lastModified = (await s3.call("/obj/doc.txt", { method: "HEAD" })).headers.get("last-modified")!;
});
afterAll(() => server.stop());

describe("GetObject and HeadObject", () => {
  test("return the stored headers, metadata, ETag and version", async () => {
    expect(etag).toBe(`"${createHash("sha256").update(BODY).digest("hex")}"`);
    for (const method of ["GET", "HEAD"]) {
      const res = await s3.call("/obj/doc.txt", { method });
      expect(res.status).toBe(200);
      const h = res.headers;
      expect(h.get("etag")).toBe(etag);
      expect(h.get("content-length")).toBe("20");
      expect(h.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(h.get("content-disposition")).toBe('attachment; filename="doc.txt"');
      expect(h.get("content-language")).toBe("en");
      expect(h.get("cache-control")).toBe("max-age=60");
      expect(h.get("expires")).toBe("Thu, 01 Dec 2044 16:00:00 GMT");
      expect(h.get("x-amz-meta-colour")).toBe("blue");
      expect(h.get("x-amz-meta-mixed-case")).toBe("kept");
      expect(h.get("x-amz-version-id")).toBe(version);
      expect(h.get("accept-ranges")).toBe("bytes");
      expect(h.get("last-modified")).toMatch(/GMT$/);
      expect(await res.text()).toBe(method === "GET" ? BODY : "");
    }
  });

  test("Range: first-last, open-ended, suffix, clamped; 416 past the end", async () => {
    const cases: Array<[string, string, string]> = [
      ["bytes=0-4", "01234", "bytes 0-4/20"],
      ["bytes=15-", "fghij", "bytes 15-19/20"],
      ["bytes=-3", "hij", "bytes 17-19/20"],
      ["bytes=18-100", "ij", "bytes 18-19/20"],
    ];
    for (const [range, body, contentRange] of cases) {
      const res = await s3.call("/obj/doc.txt", { headers: { range } });
      expect(res.status).toBe(206);
      expect(res.headers.get("content-range")).toBe(contentRange);
      expect(res.headers.get("content-length")).toBe(String(body.length));
      expect(res.headers.get("etag")).toBe(etag);
      expect(await res.text()).toBe(body);
    }
    const bad = await expectError(await s3.call("/obj/doc.txt", { headers: { range: "bytes=20-" } }), 416, "InvalidRange");
    expect(bad).toContain("<ActualObjectSize>20</ActualObjectSize>");
    // Ranges S3 ignores serve the whole object.
    const ignored = await s3.call("/obj/doc.txt", { headers: { range: "bytes=5-2" } });
    expect(ignored.status).toBe(200);
    expect(await ignored.text()).toBe(BODY);
  });

  test("If-Match / If-None-Match (quoted or not) / If-Modified-Since / If-Unmodified-Since", async () => {
    const bare = etag.replace(/"/g, "");
    const later = new Date(Date.parse(lastModified) + 3600_000).toUTCString();
    const earlier = new Date(Date.parse(lastModified) - 3600_000).toUTCString();
    const status = async (headers: Record<string, string>, method = "GET") => (await s3.call("/obj/doc.txt", { method, headers })).status;
    expect(await status({ "if-match": etag })).toBe(200);
    expect(await status({ "if-match": bare })).toBe(200);
    expect(await status({ "if-match": '"nope"' })).toBe(412);
    expect(await status({ "if-match": '"nope"' }, "HEAD")).toBe(412);
    expect(await status({ "if-none-match": etag })).toBe(304);
    expect(await status({ "if-none-match": bare })).toBe(304);
    expect(await status({ "if-none-match": '"other"' })).toBe(200);
    expect(await status({ "if-modified-since": later })).toBe(304);
    expect(await status({ "if-modified-since": earlier })).toBe(200);
    expect(await status({ "if-unmodified-since": earlier })).toBe(412);
    expect(await status({ "if-unmodified-since": later })).toBe(200);
    // RFC 7232: If-Match wins over If-Unmodified-Since, If-None-Match over If-Modified-Since.
    expect(await status({ "if-match": etag, "if-unmodified-since": earlier })).toBe(200);
    expect(await status({ "if-none-match": '"other"', "if-modified-since": later })).toBe(200);
    // A ranged GET with If-Match, as transfer managers send it.
    const ranged = await s3.call("/obj/doc.txt", { headers: { range: "bytes=0-1", "if-match": etag } });
    expect(ranged.status).toBe(206);
    const failed = await s3.call("/obj/doc.txt", { headers: { "if-match": '"nope"' } });
    expect(await failed.text()).toContain("<Code>PreconditionFailed</Code>");
    const notModified = await s3.call("/obj/doc.txt", { headers: { "if-none-match": etag } });
    expect(await notModified.text()).toBe("");
  });

  test("response-* overrides", async () => {
    const q = "response-content-type=application/json&response-content-disposition=inline&response-cache-control=no-cache"
      + "&response-content-language=fr&response-expires=Wed,%2021%20Oct%202015%2007:28:00%20GMT&response-content-encoding=x-test";
    const res = await s3.call(`/obj/doc.txt?${q}`);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("content-disposition")).toBe("inline");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-language")).toBe("fr");
    expect(res.headers.get("expires")).toBe("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(res.headers.get("content-encoding")).toBe("x-test");
  });

  test("versionId reads the key as of that commit; errors for unknown ids", async () => {
    const v2 = await s3.put("/obj/doc.txt", "second");
    expect((await s3.call("/obj/doc.txt")).headers.get("x-amz-version-id")).toBe(v2.headers.get("x-amz-version-id"));
    const old = await s3.call(`/obj/doc.txt?versionId=${version}`);
    expect(old.headers.get("x-amz-version-id")).toBe(version);
    expect(old.headers.get("etag")).toBe(etag);
    expect(await old.text()).toBe(BODY);
    await expectError(await s3.call(`/obj/doc.txt?versionId=${"f".repeat(32)}`), 404, "NoSuchVersion");
    await expectError(await s3.call("/obj/doc.txt?versionId=garbage"), 400, "InvalidArgument"); // the issue: a garbage versionId is InvalidArgument
    const head = await s3.call(`/obj/doc.txt?versionId=${"f".repeat(32)}`, { method: "HEAD" });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe("");
    await s3.put("/obj/doc.txt", BODY); // back to the first content (same ETag, new version)
  });

  test("partNumber on a single-part object is the whole object", async () => {
    const res = await s3.call("/obj/doc.txt?partNumber=1");
    expect([200, 206]).toContain(res.status);
    expect(res.headers.get("x-amz-mp-parts-count")).toBe("1");
    expect(res.headers.get("etag")).toBe(etag);
    expect(await res.text()).toBe(BODY);
    expect((await s3.call("/obj/doc.txt?partNumber=2")).status).toBe(416);
    await expectError(await s3.call("/obj/doc.txt?partNumber=0"), 400, "InvalidArgument");
  });

  test("missing keys and buckets: 404 with the messages users grep for; HEAD without body", async () => {
    expect(await expectError(await s3.call("/obj/missing"), 404, "NoSuchKey")).toContain("The specified key does not exist.");
    const text = await expectError(await s3.call("/nobucket/missing"), 404, "NoSuchBucket");
    expect(text).toContain("<RequestId>");
    expect(text).toContain("<Resource>/nobucket/missing</Resource>");
    for (const path of ["/obj/missing", "/nobucket/missing", "/nobucket"]) {
      const head = await s3.call(path, { method: "HEAD" });
      expect(head.status).toBe(404);
      expect(head.headers.get("x-amz-request-id")).toBeTruthy();
      expect(await head.text()).toBe("");
    }
  });

  test("an empty object", async () => {
    await s3.put("/obj/empty", "");
    const res = await s3.call("/obj/empty");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("0");
    expect(res.headers.get("etag")).toBe(`"${createHash("sha256").update("").digest("hex")}"`);
    expect(res.headers.get("content-type")).toBe("binary/octet-stream");
  });
});

describe("PutObject", () => {
  test("the ETag of an object of several chunks is the digest of its chunk digests; MD5 with --etag md5", async () => {
    const body = new Uint8Array(randomBytes(3 * 1024 * 1024));
    const res = await s3.put("/obj/large", body);
    expect(res.headers.get("etag")).toBe(`"${expectedDigest(body)}"`);
    expect(res.headers.get("etag")).not.toBe(`"${createHash("sha256").update(body).digest("hex")}"`);
    const md5Server = await withServer({ etagMode: "md5" });
    try {
      const md5s3 = http(md5Server);
      await md5s3.put("/obj", "");
      const md5Res = await md5s3.put("/obj/large", body);
      expect(md5Res.headers.get("etag")).toBe(`"${createHash("md5").update(body).digest("hex")}"`);
    } finally {
      await md5Server.stop();
    }
  });

  test("If-None-Match: * creates only; If-Match replaces only that version", async () => {
    const first = await s3.call("/obj/cond", { method: "PUT", body: "a", headers: { "if-none-match": "*" } });
    expect(first.status).toBe(200);
    await expectError(await s3.call("/obj/cond", { method: "PUT", body: "b", headers: { "if-none-match": "*" } }), 412, "PreconditionFailed");
    const e = first.headers.get("etag")!;
    await expectError(await s3.call("/obj/cond", { method: "PUT", body: "c", headers: { "if-match": '"0000"' } }), 412, "PreconditionFailed");
    expect((await s3.call("/obj/cond", { method: "PUT", body: "d", headers: { "if-match": e } })).status).toBe(200);
    await expectError(await s3.call("/obj/nothing-here", { method: "PUT", body: "x", headers: { "if-match": e } }), 404, "NoSuchKey");
    expect(await (await s3.call("/obj/cond")).text()).toBe("d");
  });

  test("If-None-Match: * is atomic: of 20 concurrent creates exactly one wins", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      s3.call("/obj/race", { method: "PUT", body: `writer ${i}`, headers: { "if-none-match": "*" } })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const winner = results.findIndex((r) => r.status === 200);
    expect(await (await s3.call("/obj/race")).text()).toBe(`writer ${winner}`);
  });

  test("If-Match is atomic: of 20 concurrent replaces of one version exactly one wins", async () => {
    const e = (await s3.put("/obj/cas", "base")).headers.get("etag")!;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      s3.call("/obj/cas", { method: "PUT", body: `next ${i}`, headers: { "if-match": e } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 412)).toHaveLength(19);
  });

  test("Expect: 100-continue, chunked bodies without Content-Length, x-amz-acl private", async () => {
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("chunk one, "));
        c.enqueue(new TextEncoder().encode("chunk two"));
        c.close();
      },
    });
    const res = await fetch(`${server.url}/obj/streamed`, { method: "PUT", body: stream, duplex: "half", headers: { expect: "100-continue", "x-amz-acl": "private" } } as RequestInit);
    expect(res.status).toBe(200);
    expect(await (await s3.call("/obj/streamed")).text()).toBe("chunk one, chunk two");
    // objects have their branch's ACL (private here): asking for another is 501 and stores nothing
    await expectError(await s3.call("/obj/public", { method: "PUT", body: "x", headers: { "x-amz-acl": "public-read" } }), 501, "NotImplemented");
    expect((await s3.call("/obj/public")).status).toBe(404);
  });

  test("aws-chunked is never stored as Content-Encoding", async () => {
    await s3.put("/obj/enc", "x", { "content-encoding": "aws-chunked,gzip" });
    expect((await s3.call("/obj/enc", { method: "HEAD" })).headers.get("content-encoding")).toBe("gzip");
    await s3.put("/obj/enc2", "x", { "content-encoding": "aws-chunked" });
    expect((await s3.call("/obj/enc2", { method: "HEAD" })).headers.get("content-encoding")).toBeNull();
  });

  test("keys up to 1024 bytes; longer ones are refused", async () => {
    const key = "k".repeat(1000) + "é".repeat(12); // 1024 bytes
    await s3.put(`/obj/${encodeURIComponent(key)}`, "long");
    expect(await (await s3.call(`/obj/${encodeURIComponent(key)}`)).text()).toBe("long");
    await expectError(await s3.call(`/obj/${encodeURIComponent(key + "x")}`, { method: "PUT", body: "x" }), 400, "KeyTooLongError");
  });

  test("every write answers its own commit as x-amz-version-id", async () => {
    const a = (await s3.put("/obj/v", "1")).headers.get("x-amz-version-id");
    const b = (await s3.put("/obj/v", "2")).headers.get("x-amz-version-id");
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});
