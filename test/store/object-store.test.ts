// The distributed store's pure pieces: URL parsing (table tests), the object-store client's SigV4 (checked against
// smithy's signer, which we did not write), and the ref cache's compare-and-swap bookkeeping.
import { describe, expect, test } from "bun:test";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac } from "node:crypto";
import { ObjectStore, parseBlobsUrl } from "../../src/store/object-store.ts";
import { parseMetaUrl } from "../../src/store/pg-meta.ts";
import { ConflictMarker, RemoteRefs } from "../../src/store/remote-refs.ts";

describe("parseBlobsUrl", () => {
  const cases: Array<[string, { bucket: string; prefix: string } | "error"]> = [
    ["s3://bucket/prefix", { bucket: "bucket", prefix: "prefix" }],
    ["s3://bucket/a/b/", { bucket: "bucket", prefix: "a/b" }],
    ["s3://bucket", { bucket: "bucket", prefix: "" }],
    ["s3://bucket/", { bucket: "bucket", prefix: "" }],
    ["http://bucket/x", "error"],
    ["bucket/x", "error"],
  ];
  for (const [url, want] of cases) {
    test(url, () => (want === "error" ? expect(() => parseBlobsUrl(url)).toThrow() : expect(parseBlobsUrl(url)).toEqual(want)));
  }
});

describe("parseMetaUrl", () => {
  const cases: Array<[string, { url: string; schema: string } | "error"]> = [
    ["postgres://u@h:5432/db", { url: "postgres://u@h:5432/db", schema: "public" }],
    ["postgresql://u@h/db?schema=strata_1", { url: "postgresql://u@h/db", schema: "strata_1" }],
    ["postgres://u@h/db?schema=x&sslmode=disable", { url: "postgres://u@h/db?sslmode=disable", schema: "x" }],
    ["postgres://u@h/db?schema=Bad-Name", "error"],
    ["postgres://u@h/db?schema=a;drop", "error"],
    ["mysql://u@h/db", "error"],
  ];
  for (const [url, want] of cases) {
    test(url, () => (want === "error" ? expect(() => parseMetaUrl(url)).toThrow() : expect(parseMetaUrl(url)).toEqual(want)));
  }
});

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === "string" ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);
class Sha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

describe("ObjectStore signs as smithy's SigV4 does", () => {
  const store = new ObjectStore({ endpoint: "http://127.0.0.1:9000", region: "eu-west-1", bucket: "my-bucket", prefix: "strata/a b", accessKeyId: "AKID", secretAccessKey: "secret" });
  const cases: Array<[string, string, string | null, Record<string, string>, Record<string, string>]> = [
    ["ranged GET", "GET", "packs/01-ab.pack", {}, { range: "bytes=37-1036" }],
    ["PUT with a length", "PUT", "packs/x(1)!'*.pack", {}, { "content-length": "12345" }],
    ["DELETE", "DELETE", "packs/ü.pack", {}, {}],
    ["ListObjectsV2", "GET", null, { "list-type": "2", prefix: "strata/a b/packs/", "continuation-token": "a+b/c=" }, {}],
  ];
  for (const [name, method, key, query, extra] of cases) {
    test(name, async () => {
      const signed = store.sign(method, key, query, extra);
      const u = new URL(signed.url);
      const amz = signed.headers["x-amz-date"];
      const signingDate = new Date(`${amz.slice(0, 4)}-${amz.slice(4, 6)}-${amz.slice(6, 8)}T${amz.slice(9, 11)}:${amz.slice(11, 13)}:${amz.slice(13, 15)}Z`);
      const signer = new SignatureV4({ credentials: { accessKeyId: "AKID", secretAccessKey: "secret" }, region: "eu-west-1", service: "s3", sha256: Sha256, uriEscapePath: false, applyChecksum: false });
      const headers: Record<string, string> = { host: u.host };
      for (const [k, v] of Object.entries(signed.headers)) if (k !== "authorization") headers[k] = v;
      const expected = await signer.sign(
        { method, protocol: "http:", hostname: u.hostname, port: Number(u.port), path: u.pathname, query: Object.fromEntries(u.searchParams), headers },
        { signingDate },
      );
      expect(signed.headers.authorization).toBe(expected.headers.authorization);
      if (key) expect(decodeURIComponent(u.pathname)).toBe(`/my-bucket/strata/a b/${key}`);
    });
  }
});

describe("RemoteRefs", () => {
  test("read-modify-written keys carry what they were built on; parts and CORS rules are written blind", () => {
    const refs = new RemoteRefs();
    refs.apply([{ key: "branch/r/main", raw: '{"head":"a"}', seq: 1 }]);
    const batch = refs.stage([
      { key: "branch/r/main", value: { head: "b" } },
      { key: "upload/r/main/x", value: { key: "k" } },
      { key: "user/ana", value: { admin: false } },
      { key: "part/x/00001", value: "h" },
      { key: "cors/r/main", value: { rules: [] } },
    ]);
    expect(batch.expect).toEqual([["branch/r/main", '{"head":"a"}'], ["upload/r/main/x", null], ["user/ana", null]]);
    expect(refs.get("branch/r/main", "latest")).toEqual({ head: "b" });
    expect(refs.get("branch/r/main", "durable")).toEqual({ head: "a" });
  });

  test("a lost batch leaves the latest view; a won one reaches the durable view", () => {
    const refs = new RemoteRefs();
    const lost = refs.stage([{ key: "repo/r", value: { v: 1 } }]);
    const won = refs.stage([{ key: "repo/q", value: { v: 2 } }]);
    const taken = refs.take();
    refs.settle(taken, [false, true], 5);
    expect(lost.outcome).toBeInstanceOf(ConflictMarker);
    expect(won.outcome).toBeNull();
    expect(refs.get("repo/r", "latest")).toBeUndefined();
    expect(refs.get("repo/q", "durable")).toEqual({ v: 2 });
  });

  test("a batch staged on one that lost fails at once; one staged on the durable view stays staged", () => {
    const refs = new RemoteRefs();
    const lost = refs.stage([{ key: "branch/r/main", value: { head: "a" } }]);
    const taken = refs.take();
    const chained = refs.stage([{ key: "branch/r/main", value: { head: "b" } }]); // built on "a", never to be
    const other = refs.stage([{ key: "branch/r/dev", value: { head: "c" } }]);
    refs.settle(taken, [false], 5);
    expect(lost.outcome).toBeInstanceOf(ConflictMarker);
    expect(chained.outcome).toBeInstanceOf(ConflictMarker);
    expect(other.outcome).toBeUndefined();
    expect(refs.take()).toEqual([other]);
    expect(refs.get("branch/r/main", "latest")).toBeUndefined();
  });

  test("a refresh does not hide a change staged here, and an older row never replaces a newer one", () => {
    const refs = new RemoteRefs();
    refs.stage([{ key: "branch/r/main", value: { head: "mine" } }]);
    refs.apply([{ key: "branch/r/main", raw: '{"head":"theirs"}', seq: 3 }]);
    expect(refs.get("branch/r/main", "latest")).toEqual({ head: "mine" });
    expect(refs.get("branch/r/main", "durable")).toEqual({ head: "theirs" });
    refs.apply([{ key: "branch/r/main", raw: '{"head":"older"}', seq: 2 }]);
    expect(refs.get("branch/r/main", "durable")).toEqual({ head: "theirs" });
    refs.apply([{ key: "branch/r/main", raw: null, seq: 4 }]);
    expect(refs.get("branch/r/main", "durable")).toBeUndefined();
  });
});
