// ListObjects v1 and v2: order, pagination (continuation, start-after, marker), delimiter, encoding-type=url, max-keys.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { encodeKey, expectError, http, list, putMany, type S3Http } from "./http.ts";

let server: StrataServer;
let s3: S3Http;

const KEYS = [
  "a.txt", "a/b/c", "a/b/d", "a/e", "a/f/g", "a+b", "a b", "a%b", "b", "dir/x", "dir/y/z", "dir//double", "/leading",
  "é", "z", "Z", "\u{1F600}", "日本/語", "e\u0301", "ab/", "ab/c",
];
/** S3 order: UTF-8 bytes. */
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** What a listing must return, as one sequence of keys and common prefixes ("P:" marks a prefix). */
function expected(keys: string[], prefix: string, delimiter?: string, after = ""): string[] {
  const out: string[] = [];
  for (const k of [...keys].sort(utf8Order)) {
    if (!k.startsWith(prefix) || utf8Order(k, after) <= 0) continue;
    const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    const item = cut >= 0 ? `P:${k.slice(0, cut + delimiter!.length)}` : k;
    if (out[out.length - 1] !== item && !(cut >= 0 && utf8Order(item.slice(2), after) <= 0 && after.startsWith(item.slice(2)))) out.push(item);
  }
  return out;
}

const query = (params: Record<string, string | undefined>) =>
  Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join("&");

/** Walks every page of a v2 listing; returns items in order and the pages seen. */
async function walkV2(bucket: string, params: Record<string, string | undefined>) {
  const items: string[] = [];
  let token: string | undefined;
  let pages = 0;
  for (;;) {
    const { doc } = await s3.xml(`/${bucket}?${query({ "list-type": "2", ...params, "continuation-token": token })}`);
    const r = doc.ListBucketResult;
    const contents = list(r.Contents).map((c: any) => c.Key as string);
    const prefixes = list(r.CommonPrefixes).map((p: any) => `P:${p.Prefix}`);
    // Keys and prefixes are returned in two lists; merged they are in key order.
    const page = [...contents, ...prefixes].sort((a, b) => utf8Order(a.replace(/^P:/, ""), b.replace(/^P:/, "")));
    expect(Number(r.KeyCount)).toBe(page.length);
    items.push(...page);
    pages++;
    if (r.IsTruncated !== "true") {
      expect(r.NextContinuationToken).toBeUndefined();
      return { items, pages };
    }
    expect(page.length).toBe(Number(params["max-keys"] ?? 1000));
    token = r.NextContinuationToken;
    expect(token).toBeTruthy();
  }
}

beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
  await s3.put("/listing", "");
  await putMany(s3, "listing", KEYS);
});
afterAll(() => server.stop());

describe("ListObjectsV2", () => {
  test("lists every key in UTF-8 byte order", async () => {
    const { items, pages } = await walkV2("listing", {});
    expect(pages).toBe(1);
    expect(items).toEqual(expected(KEYS, ""));
  });

  for (const maxKeys of ["1", "2", "3", "7"]) {
    for (const [prefix, delimiter] of [["", "/"], ["a", "/"], ["a/", "/"], ["", undefined], ["dir/", "/"], ["", "b"]] as const) {
      test(`pages of ${maxKeys}, prefix ${JSON.stringify(prefix)}, delimiter ${JSON.stringify(delimiter)}`, async () => {
        const { items } = await walkV2("listing", { "max-keys": maxKeys, prefix, delimiter });
        expect(items).toEqual(expected(KEYS, prefix, delimiter));
      });
    }
  }

  test("start-after, alone and inside a common prefix", async () => {
    expect((await walkV2("listing", { "start-after": "a/e" })).items).toEqual(expected(KEYS, "", undefined, "a/e"));
    expect((await walkV2("listing", { "start-after": "a/b/c", delimiter: "/", "max-keys": "2" })).items).toEqual(expected(KEYS, "", "/", "a/b/c"));
    const { doc } = await s3.xml("/listing?list-type=2&start-after=z");
    expect(doc.ListBucketResult.StartAfter).toBe("z");
  });

  test("a continuation token wins over start-after", async () => {
    const first = (await s3.xml("/listing?list-type=2&max-keys=2")).doc.ListBucketResult;
    const token = first.NextContinuationToken;
    const { doc } = await s3.xml(`/listing?list-type=2&max-keys=2&start-after=z&continuation-token=${encodeURIComponent(token)}`);
    expect(doc.ListBucketResult.ContinuationToken).toBe(token);
    expect(list(doc.ListBucketResult.Contents).map((c: any) => c.Key)).toEqual(expected(KEYS, "").slice(2, 4));
  });

  test("max-keys 0 returns nothing and is not truncated", async () => {
    const r = (await s3.xml("/listing?list-type=2&max-keys=0")).doc.ListBucketResult;
    expect(r.KeyCount).toBe("0");
    expect(r.MaxKeys).toBe("0");
    expect(r.Contents).toBeUndefined();
  });

  test("max-keys over 1000 is capped at 1000; pages cover > 1000 keys", async () => {
    await s3.put("/many", "");
    const keys = Array.from({ length: 1005 }, (_, i) => `k/${String(i).padStart(5, "0")}`);
    await putMany(s3, "many", keys, () => "", 64);
    const r = (await s3.xml("/many?list-type=2&max-keys=5000")).doc.ListBucketResult;
    expect(r.MaxKeys).toBe("1000");
    expect(r.KeyCount).toBe("1000");
    expect(r.IsTruncated).toBe("true");
    const { items, pages } = await walkV2("many", {});
    expect(pages).toBe(2);
    expect(items).toEqual(keys);
    const v1 = (await s3.xml("/many?max-keys=1000")).doc.ListBucketResult;
    expect(v1.IsTruncated).toBe("true");
    expect(v1.NextMarker).toBeUndefined(); // without a delimiter clients resume after the last key
  });

  test("encoding-type=url encodes keys, prefixes, delimiter and start-after", async () => {
    const { doc } = await s3.xml(`/listing?list-type=2&encoding-type=url&delimiter=${encodeURIComponent("/")}&start-after=${encodeURIComponent("a b")}`);
    const r = doc.ListBucketResult;
    expect(r.EncodingType).toBe("url");
    const keys = list(r.Contents).map((c: any) => c.Key as string);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9%._~\-/]*$/);
    expect(keys.map(decodeURIComponent)).toEqual(expected(KEYS, "", "/", "a b").filter((k) => !k.startsWith("P:")));
    expect(keys).toContain("a%2Bb");
    expect(keys).toContain("a%25b");
    expect(keys).toContain("%C3%A9");
    expect(r.StartAfter).toBe("a%20b");
    expect(list(r.CommonPrefixes).map((p: any) => p.Prefix)).toContain("%E6%97%A5%E6%9C%AC/");
  });

  test("KeyCount counts common prefixes; Owner only with fetch-owner", async () => {
    const r = (await s3.xml("/listing?list-type=2&delimiter=/&prefix=a/")).doc.ListBucketResult;
    expect(r.KeyCount).toBe("3"); // a/b/, a/e, a/f/
    expect(list(r.Contents)[0].Owner).toBeUndefined();
    const owned = (await s3.xml("/listing?list-type=2&fetch-owner=true&max-keys=1")).doc.ListBucketResult;
    expect(list(owned.Contents)[0].Owner.ID).toBeTruthy();
  });

  test("each entry has key, time, quoted ETag, size and storage class", async () => {
    const r = (await s3.xml("/listing?list-type=2&prefix=b&max-keys=1")).doc.ListBucketResult;
    const c = list(r.Contents)[0];
    expect(c.Key).toBe("b");
    expect(c.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(c.ETag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(c.Size).toBe("1");
    expect(c.StorageClass).toBe("STANDARD");
    expect(r.Name).toBe("listing");
  });

  test("bad parameters and missing buckets", async () => {
    await expectError(await s3.call("/listing?list-type=2&max-keys=-1"), 400, "InvalidArgument");
    await expectError(await s3.call("/listing?list-type=2&max-keys=x"), 400, "InvalidArgument");
    await expectError(await s3.call("/listing?list-type=2&encoding-type=base64"), 400, "InvalidArgument");
    await expectError(await s3.call("/listing?list-type=2&continuation-token=%25%25"), 400, "InvalidArgument");
    const missing = await expectError(await s3.call("/nosuch?list-type=2"), 404, "NoSuchBucket");
    expect(missing).toContain("The specified bucket does not exist");
  });
});

describe("ListObjects (v1)", () => {
  test("marker pagination with a delimiter uses NextMarker", async () => {
    const items: string[] = [];
    let marker = "";
    for (let i = 0; i < 50; i++) {
      const r = (await s3.xml(`/listing?${query({ delimiter: "/", "max-keys": "2", marker })}`)).doc.ListBucketResult;
      expect(r.Marker).toBe(marker);
      const page = [...list(r.Contents).map((c: any) => c.Key as string), ...list(r.CommonPrefixes).map((p: any) => `P:${p.Prefix}`)]
        .sort((a, b) => utf8Order(a.replace(/^P:/, ""), b.replace(/^P:/, "")));
      items.push(...page);
      if (r.IsTruncated !== "true") break;
      marker = r.NextMarker;
      expect(marker).toBe(page[page.length - 1].replace(/^P:/, ""));
    }
    expect(items).toEqual(expected(KEYS, "", "/"));
  });

  test("marker without a delimiter resumes after the last key", async () => {
    const all = expected(KEYS, "");
    const r = (await s3.xml(`/listing?${query({ marker: all[3], "max-keys": "3" })}`)).doc.ListBucketResult;
    expect(list(r.Contents).map((c: any) => c.Key)).toEqual(all.slice(4, 7));
    expect(list(r.Contents)[0].Owner.ID).toBe("strata");
  });

  test("encoding-type=url also encodes the marker", async () => {
    const r = (await s3.xml(`/listing?encoding-type=url&marker=${encodeURIComponent("a b")}&max-keys=1`)).doc.ListBucketResult;
    expect(r.Marker).toBe("a%20b");
    expect(list(r.Contents)[0].Key).toBe("a%25b");
  });
});

test("keys addressed with // and a leading / round-trip", async () => {
  for (const key of ["dir//double", "/leading"]) {
    const res = await s3.call(`/listing/${encodeKey(key)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(key);
  }
  // Unencoded: the path after the bucket's slash is the key, slashes and all.
  expect(await (await s3.call("/listing//leading")).text()).toBe("/leading");
  expect(await (await s3.call("/listing/dir//double")).text()).toBe("dir//double");
});
