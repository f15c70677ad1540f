// Random requests for the fuzzer, from a seeded PRNG. Four connections in five are valid HTTP whose S3 content is
// hostile (keys, queries, headers, XML, signatures, framing S3 reads); the fifth breaks HTTP itself. Every part of a request (method, target, version, headers,
// body, framing, how it goes on the wire) is drawn from the values S3 clients send, the values they never send,
// and garbage. Strings here are "binary strings" (one char per byte), so a target can hold any byte at all.
import { createHash } from "node:crypto";
import type { WireCase } from "./wire.ts";
import { sha256Hex, signRaw } from "./sign.ts";

/** sfc32: small, fast, and the same sequence for the same seed on every runtime. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  /** uniform in [0, 1) */
  next(): number {
    this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
    const t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const r = (t + this.d) | 0;
    this.c = (this.c + r) | 0;
    return (r >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** one of `choices`, drawn by weight */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    let r = this.next() * choices.reduce((s, [w]) => s + w, 0);
    for (const [w, v] of choices) if ((r -= w) < 0) return v;
    return choices[choices.length - 1][1];
  }
  /** n random bytes; past 64 KiB a random block repeats (drawing megabytes one by one would be most of a run) */
  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    const block = Math.min(n, 65536);
    for (let i = 0; i < block; i += 4) {
      const word = Math.floor(this.next() * 4294967296);
      for (let j = 0; j < 4 && i + j < block; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    for (let at = block; at < n; at += block) out.copy(out, at, 0, Math.min(block, n - at));
    return out;
  }
  /** a size, mostly small, sometimes large */
  size(max: number): number {
    return this.weighted([[6, this.int(16)], [4, this.int(300)], [2, this.int(5000)], [1, this.int(max)]]);
  }
}

/** What the server holds that requests may name, and who the fuzzer is. */
export interface World {
  port: number;
  /** buckets that hold the objects checked after the run */
  sealed: string[];
  /** buckets any request may change */
  writable: string[];
  keys: string[];
  versionIds: string[];
  uploadIds: string[];
  etags: string[];
  /** the fuzzer's credentials: with auth on, a writer in the writable repos and a reader in the sealed one */
  accessKey: string;
  /** auth off: no request that could change data may name a sealed bucket (with auth on, roles keep it safe) */
  protectSealed: boolean;
}

/** Turns text into a binary string of its UTF-8 bytes. */
const bin = (text: string) => Buffer.from(text, "utf8").toString("latin1");

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const ODD_METHODS = ["PATCH", "TRACE", "PROPFIND", "MKCOL", "LOCK", "PURGE", "SEARCH", "get", "Put", "FOO", "M-SEARCH", "CONNECT", "X".repeat(200), "GET\x00", "DELETE;", ""];
const SUBRESOURCES = [
  "acl", "cors", "versioning", "versions", "uploads", "delete", "location", "attributes", "tagging", "lifecycle", "policy",
  "website", "logging", "notification", "encryption", "replication", "object-lock", "retention", "legal-hold", "restore",
  "select", "torrent", "accelerate", "requestPayment", "ownershipControls", "publicAccessBlock", "metrics", "session",
];
const PARAMS = [
  "list-type", "prefix", "delimiter", "max-keys", "marker", "continuation-token", "start-after", "encoding-type", "fetch-owner",
  "versionId", "key-marker", "version-id-marker", "upload-id-marker", "uploadId", "partNumber", "max-parts", "part-number-marker",
  "max-uploads", "response-content-type", "response-content-disposition", "response-content-encoding", "response-content-language",
  "response-expires", "response-cache-control", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
  "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token", "AWSAccessKeyId", "Signature", "Expires", "x-id", "select-type",
];

/** The share of connections that break HTTP itself (bad framing, heads, methods, versions, bytes); the rest are valid HTTP. */
const CHAOS_SHARE = 0.2;

/** Header value bytes HTTP does not allow (a field value may hold tab and obs-text, not controls). */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;

/** Bytes a request target cannot hold raw, percent-encoded (a target's own `%` stays: a bad escape is S3's to refuse). */
const encodeTarget = (text: string) => text.replace(/[\x00-\x20\x7f-\xff#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);

/** An addressing made valid HTTP: a Host the server serves, and a target in origin or absolute form with every byte allowed. */
function asValidHttp(a: { host: string | undefined; target: string; path: string; query: string }, self: string) {
  const host = a.host !== undefined && /^[\x21-\x7e]+$/.test(a.host) && !/[/@\[\]]|:$|:0$|:\d{6}/.test(a.host) ? a.host : self;
  const path = encodeTarget(a.path.startsWith("/") ? a.path : `/${a.path}`);
  const query = encodeTarget(a.query);
  const origin = query ? `${path}?${query}` : path;
  return { host, path, query, target: a.target.startsWith("http://") ? `http://${self}${origin}` : origin };
}

export class RequestGen {
  constructor(private readonly r: Rng, private readonly w: World) {}

  // ---- pieces of text ----

  /** Garbage and near-misses of a value. */
  garbage(): string {
    const r = this.r;
    return r.pick([
      () => "", () => " ", () => "-1", () => "0", () => "1", () => "abc", () => "99999999999999999999999", () => "1e400", () => "NaN",
      () => "%", () => "%zz", () => "%C3%28", () => "%FF%FE", () => "%00", () => "\xff\xfe", () => bin("résumé.pdf"), () => bin("日本語"),
      () => "null", () => "true", () => "<x>", () => "&amp;", () => '"', () => "a,b", () => "*", () => "\t", () => "x".repeat(r.size(9000)),
      () => r.bytes(r.int(20)).toString("base64"), () => r.bytes(r.int(12)).toString("hex"), () => String(r.int(100000) - 50),
      () => "bytes=0-", () => "W/\"x\"", () => new Date(r.int(2 ** 42)).toUTCString(), () => "20261203T000000Z",
    ])();
  }

  /** A key, as the bucket holds it or near it, with dot segments, escapes, odd bytes and huge lengths. */
  keyText(): string {
    const r = this.r;
    const segment = () =>
      r.weighted<() => string>([
        [6, () => r.pick(["a", "b", "k3", "dir", "x", "file.txt", "%C3%BCn%C3%AF", "sp%20ace", "plus+sign"])],
        [3, () => r.pick([".", "..", "...", "%2e", "%2E%2E", ".%2e", "%2e%2e"])],
        [2, () => r.pick(["%", "%2", "%zz", "%C3%28", "%FF", "%00", "%2F", "%5C", "%3F", "%23", "%25", "%20", "%0A", "%01"])],
        // bytes a client should have escaped: some parsers take them, some refuse the request line
        [1, () => r.pick(["\\", "\x7f", "\x80", "\xc3\x28", "\xff", "#frag", "sp ace", '"', "<", ">", "{}", "|", "^", "`", bin("ключ")])],
        [1, () => r.pick([";p=1", "~", "'", "!", "$", "&", "=", "*", "(", ")", ",", ":", "@"])],
        [1, () => "k".repeat(r.pick([1023, 1024, 1025, 4096, 20000]))],
        [1, () => ""],
      ])();
    if (this.w.keys.length && r.chance(0.3)) return this.encodeKey(r.pick(this.w.keys));
    const n = 1 + r.int(4);
    let key = "";
    for (let i = 0; i < n; i++) key += (i ? "/" : "") + segment();
    return key;
  }

  /** A stored key percent-encoded the way SDKs do (its '/' kept), or its bytes as they are. */
  encodeKey(key: string): string {
    return this.r.chance(0.8) ? key.split("/").map((s) => bin(encodeURIComponent(s))).join("/") : bin(key);
  }

  bucket(unsafe: boolean): string {
    const r = this.r;
    const protect = unsafe && this.w.protectSealed;
    return r.weighted<() => string>([
      [8, () => r.pick(this.w.writable)],
      [protect ? 0 : 5, () => r.pick(this.w.sealed)],
      [protect ? 0 : 1, () => `main.${r.pick(this.w.sealed)}`],
      [2, () => `${r.pick(["dev", "main", "x-y", "Main"])}.${r.pick(this.w.writable)}`],
      [1, () => `${r.bytes(16).toString("hex")}.${r.pick(this.w.writable)}`],
      [2, () => r.pick(["nosuch", "UPPER", "a", "ab", "_strata", "x".repeat(64), "1.2.3.4", "a..b", "-ab", "metrics", "healthz", "a.b.c.d", "%66uzz"])],
    ])();
  }

  query(): string {
    const r = this.r;
    const parts: string[] = [];
    const n = r.weighted([[4, 0], [5, 1], [3, 2], [2, 4], [1, 12]]);
    for (let i = 0; i < n; i++) {
      const name = r.weighted<() => string>([[5, () => r.pick(SUBRESOURCES)], [8, () => r.pick(PARAMS)], [1, () => this.garbage()]])();
      const value = r.weighted<() => string | undefined>([
        [3, () => undefined],
        [2, () => ""],
        [4, () => this.garbage()],
        [2, () => (this.w.uploadIds.length ? r.pick(this.w.uploadIds) : "x")],
        [2, () => (this.w.versionIds.length ? r.pick(this.w.versionIds) : "null")],
        [2, () => String(r.pick([0, 1, 2, 3, 10000, 10001, 1000, 1001, -1]))],
        [1, () => r.pick(["AWS4-HMAC-SHA256", `${this.w.accessKey}/20261203/us-east-1/s3/aws4_request`, "604801", "url"])],
      ])();
      parts.push(value === undefined ? name : `${name}=${value}`);
    }
    return parts.join(r.chance(0.05) ? "&&" : "&");
  }

  // ---- a request ----

  /** A method an S3 client sends. */
  s3Method(): string {
    return this.r.weighted<string>([[25, "GET"], [20, "PUT"], [12, "POST"], [10, "DELETE"], [10, "HEAD"], [4, "OPTIONS"]]);
  }

  method(): string {
    return this.r.weighted<string>([[25, "GET"], [20, "PUT"], [12, "POST"], [10, "DELETE"], [10, "HEAD"], [4, "OPTIONS"], [4, this.r.pick(ODD_METHODS)]]);
  }

  /** Host and target together: path style, virtual-host style, absolute form, the server's own routes, garbage. */
  addressing(unsafe: boolean): { host: string | undefined; target: string; path: string; query: string } {
    const r = this.r;
    const self = `127.0.0.1:${this.w.port}`;
    const query = r.chance(0.55) ? this.query() : "";
    const withQuery = (path: string) => ({ path, query, target: query ? `${path}?${query}` : path });
    const style = r.weighted([[10, "path"], [3, "vhost"], [1, "absolute"], [2, "admin"], [1, "odd"]] as const);
    const bucket = this.bucket(unsafe);
    const key = r.chance(0.75) ? this.keyText() : undefined;
    switch (style) {
      case "path":
        return { host: this.hostHeader(self), ...withQuery(key === undefined ? `/${bucket}${r.chance(0.2) ? "/" : ""}` : `/${bucket}/${key}`) };
      case "vhost":
        return { host: `${bucket}.localhost:${this.w.port}`, ...withQuery(`/${key ?? ""}`) };
      case "absolute": {
        const a = withQuery(`/${bucket}/${key ?? ""}`);
        return { host: this.hostHeader(self), ...a, target: `http://${r.chance(0.5) ? self : "other.example"}${a.target}` };
      }
      case "admin": {
        const repo = unsafe && this.w.protectSealed ? r.pick(this.w.writable) : r.pick([...this.w.writable, ...this.w.sealed]);
        const routes = [
          "/_strata/repos", `/_strata/repos/${repo}`, `/_strata/repos/${repo}/branches`, `/_strata/repos/${repo}/branches/dev`,
          `/_strata/repos/${repo}/log`, `/_strata/repos/${repo}/objects`, `/_strata/repos/${repo}/object`, `/_strata/repos/${repo}/object/content`,
          `/_strata/repos/${repo}/object/versions`, `/_strata/repos/${repo}/diff`, `/_strata/repos/${repo}/tags`, `/_strata/repos/${repo}/main/merge`,
          "/_strata/healthz", "/_strata/metrics", "/_strata/console", "/_strata/console/", "/_strata/gc", "/_strata/fsck", "/_strata/jobs",
          "/healthz", "/metrics", "/", `/_strata/repos/${repo}/${this.keyText()}`,
        ];
        // auth off: switching auth on (or adding users) would lock the rest of the run out
        if (!(unsafe && this.w.protectSealed)) routes.push("/_strata/auth/users", "/_strata/auth/enable", "/_strata/auth/tokens", "/_strata/auth/caller");
        return { host: this.hostHeader(self), ...withQuery(r.pick(routes)) };
      }
      case "odd": {
        const target = r.pick(["*", "", "/", "//", "bucket/key", "/?", "/%", "/\x00", `/${bucket}/${key ?? ""}#frag`, "/" + "a".repeat(r.pick([9000, 70000])), "/..", "/../../etc/passwd"]);
        return { host: this.hostHeader(self), target, path: target, query: "" };
      }
    }
  }

  hostHeader(self: string): string | undefined {
    return this.r.weighted<string | undefined>([
      [20, self],
      [3, `localhost:${this.w.port}`],
      [1, "localhost"],
      [1, undefined],
      [1, this.r.pick(["", "a/b@c", "[::1", "x:99999", "a b", "x:", "[::1]:80", "LOCALHOST", "127.0.0.1:0", "\xff", "exa mple", "-", "%41"])],
    ]);
  }

  /** Headers that mean something to some operation, with values right, near and wrong. */
  extraHeaders(): [string, string][] {
    const r = this.r;
    const out: [string, string][] = [];
    const n = r.weighted([[3, 0], [4, 1], [3, 2], [2, 4], [1, 10]]);
    const etag = () => (this.w.etags.length && r.chance(0.5) ? r.pick(this.w.etags) : this.garbage());
    const copySource = () =>
      r.pick([
        () => `/${r.pick([...this.w.sealed, ...this.w.writable])}/${this.encodeKey(r.pick(this.w.keys))}`,
        () => `${r.pick(this.w.sealed)}/${this.keyText()}${r.chance(0.3) ? `?versionId=${this.garbage()}` : ""}`,
        () => this.garbage(),
      ])();
    const headers: (() => [string, string])[] = [
      () => ["range", r.pick(["bytes=0-0", "bytes=-5", "bytes=5-", "bytes=1-0", "bytes=0-1,3-4", "bytes=", "bytes=99999999999999999999-", "bytes=-0", "items=0-1", "bytes=a-b", "bytes=0-9999999999", this.garbage()])],
      () => [r.pick(["if-match", "if-none-match"]), r.pick(["*", etag(), `"${etag()}"`, `${etag()}, *`])],
      () => [r.pick(["if-modified-since", "if-unmodified-since"]), r.pick([new Date().toUTCString(), new Date(0).toUTCString(), this.garbage()])],
      () => ["x-amz-copy-source", copySource()],
      () => ["x-amz-copy-source-range", r.pick(["bytes=0-0", "bytes=0-99999999", "bytes=5-1", this.garbage()])],
      () => [r.pick(["x-amz-copy-source-if-match", "x-amz-copy-source-if-none-match", "x-amz-copy-source-if-modified-since"]), etag()],
      () => ["x-amz-metadata-directive", r.pick(["COPY", "REPLACE", this.garbage()])],
      () => [`x-amz-meta-${r.pick(["a", "b", "ü", "x".repeat(50)])}`, r.chance(0.1) ? "v".repeat(3000) : this.garbage()],
      () => ["content-md5", r.pick([createHash("md5").update("").digest("base64"), this.garbage()])],
      () => [`x-amz-checksum-${r.pick(["crc32", "crc32c", "crc64nvme", "sha1", "sha256", "md5"])}`, r.pick(["AAAAAA==", this.garbage()])],
      () => ["x-amz-sdk-checksum-algorithm", r.pick(["CRC32", "CRC32C", "SHA256", "SHA1", "CRC64NVME", this.garbage()])],
      () => ["x-amz-checksum-algorithm", r.pick(["CRC32", "sha256", this.garbage()])],
      () => ["x-amz-checksum-type", r.pick(["FULL_OBJECT", "COMPOSITE", this.garbage()])],
      () => ["x-amz-trailer", r.pick(["x-amz-checksum-crc32", "x-amz-checksum-sha256", this.garbage()])],
      () => ["x-amz-decoded-content-length", r.pick(["0", "5", "-1", "99999999999999", this.garbage()])],
      () => ["x-amz-content-sha256", r.pick(["UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", sha256Hex(""), "0".repeat(64), this.garbage()])],
      () => ["content-encoding", r.pick(["aws-chunked", "gzip", "aws-chunked,gzip", "identity", this.garbage()])],
      () => ["content-type", r.pick(["application/xml", "text/plain", "multipart/form-data; boundary=xyz", "multipart/form-data", "application/json", "text/html", bin("tëxt/ü"), this.garbage()])],
      () => ["x-amz-acl", r.pick(["private", "public-read", "public-read-write", "authenticated-read", "bucket-owner-full-control", this.garbage()])],
      () => [r.pick(["x-amz-grant-read", "x-amz-grant-full-control", "x-amz-grant-write-acp"]), r.pick(['id="x"', 'uri="http://acs.amazonaws.com/groups/global/AllUsers"', this.garbage()])],
      () => [r.pick(["x-amz-storage-class", "x-amz-server-side-encryption", "x-amz-tagging", "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-website-redirect-location", "x-amz-expected-bucket-owner", "x-amz-request-payer", "x-amz-bucket-object-lock-enabled", "x-amz-mp-object-size", "x-amz-write-offset-bytes", "x-amz-object-attributes", "x-amz-max-parts", "x-amz-part-number-marker", "x-amz-mfa", "x-amz-bypass-governance-retention", "x-amz-security-token"]), this.garbage()],
      () => ["x-amz-date", r.pick(["20000101T000000Z", "20991231T235959Z", this.garbage()])],
      () => ["date", r.pick([new Date().toUTCString(), this.garbage()])],
      () => ["authorization", r.pick([
        "AWS4-HMAC-SHA256 Credential=x/20261203/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 garbage", "AWS x:y", "AWS ", "AWS :",
        "AWS4-ECDSA-P256-SHA256 Credential=x", "Bearer x", "Bearer " + this.w.accessKey, "Basic eDp5", this.garbage(),
      ])],
      () => ["origin", r.pick(["http://example.com", "null", "*", this.garbage()])],
      () => ["access-control-request-method", r.pick(["GET", "PUT", "DELETE", this.garbage()])],
      () => ["access-control-request-headers", r.pick(["x-amz-date, content-type", "*", this.garbage()])],
      () => ["accept", r.pick(["text/html", "*/*", "application/json"])],
      () => ["sec-fetch-site", r.pick(["cross-site", "same-origin", "none"])],
      () => ["expect", r.pick(["100-continue", this.garbage()])],
      () => ["x-amz-delete-marker", this.garbage()],
      () => ["cookie", r.pick(["strata_session=x", this.garbage()])],
      () => [r.pick(["x-custom", "X-AMZ-META-UPPER", "x_underscore", "x-amz-"]), this.garbage()],
    ];
    for (let i = 0; i < n; i++) out.push(r.pick(headers)());
    return out.filter(([, v]) => !/[\r\n\x00]/.test(v));
  }

  /** An XML document S3 takes, whole, broken, hostile or huge. */
  xmlBody(): string {
    const r = this.r;
    // one huge key, not a thousand of them: a body of tens of MB outlasts the grace a refused upload's body gets
    let huge = r.chance(0.3);
    const key = () => r.pick([() => (this.w.keys.length ? r.pick(this.w.keys) : "k"), () => this.keyText(), () => "k".repeat(r.pick([1024, 1025, huge ? ((huge = false), 100_000) : 1026])), () => "&lt;&#1;&#x0;&bogus;"])();
    const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    const many = (n: number, f: () => string) => Array.from({ length: n }, f).join("");
    const docs: (() => string)[] = [
      () => `<Delete>${r.chance(0.5) ? "<Quiet>true</Quiet>" : ""}${many(r.pick([0, 1, 3, 1000, 1001, 5000]), () => `<Object><Key>${r.chance(0.9) ? esc(key()) : key()}</Key>${r.chance(0.3) ? `<VersionId>${esc(this.garbage())}</VersionId>` : ""}</Object>`)}</Delete>`,
      () => `<CompleteMultipartUpload>${many(r.pick([0, 1, 2, 10001]), () => `<Part><PartNumber>${r.pick(["1", "2", "0", "-1", "10001", "x"])}</PartNumber><ETag>${esc(this.w.etags.length ? r.pick(this.w.etags) : this.garbage())}</ETag>${r.chance(0.2) ? `<ChecksumCRC32>${esc(this.garbage())}</ChecksumCRC32>` : ""}</Part>`)}</CompleteMultipartUpload>`,
      () => `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${esc(r.pick(["us-east-1", "eu-west-1", "", this.garbage()]))}</LocationConstraint></CreateBucketConfiguration>`,
      () => `<VersioningConfiguration><Status>${r.pick(["Enabled", "Suspended", "", "enabled", esc(this.garbage())])}</Status>${r.chance(0.2) ? "<MfaDelete>Enabled</MfaDelete>" : ""}</VersioningConfiguration>`,
      () => `<CORSConfiguration>${many(r.pick([0, 1, 2, 101]), () => `<CORSRule><AllowedOrigin>${esc(r.pick(["*", "http://a", this.garbage()]))}</AllowedOrigin><AllowedMethod>${r.pick(["GET", "PUT", "FOO"])}</AllowedMethod>${r.chance(0.5) ? `<MaxAgeSeconds>${esc(this.garbage())}</MaxAgeSeconds>` : ""}</CORSRule>`)}</CORSConfiguration>`,
      () => `<AccessControlPolicy><Owner><ID>x</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="${r.pick(["Group", "CanonicalUser", "x"])}"><URI>${esc(this.garbage())}</URI></Grantee><Permission>${r.pick(["READ", "FULL_CONTROL", "x"])}</Permission></Grant></AccessControlList></AccessControlPolicy>`,
      () => `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Delete><Object><Key>&lol3;</Key></Object></Delete>`,
      () => `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&xxe;</Key></Object></Delete>`,
      () => `<?xml version="1.0" encoding="${r.pick(["UTF-8", "UTF-16", "x"])}"?><!-- c --><Delete><![CDATA[<Object>]]><Object><Key><![CDATA[${key()}]]></Key></Object></Delete>`,
      () => `${"<a>".repeat(r.pick([100, 10000]))}`,
      () => `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>${esc(key())}</Key><Key>second</Key></Object><Object/><Object><Key/></Object></Delete>`,
      () => `<${r.pick(["Delete", "CompleteMultipartUpload", "VersioningConfiguration", "x"])} a="1" a="2"><Object>`,
      () => `<Tagging><TagSet>${many(r.pick([0, 1, 10, 11, 50, 51]), () => `<Tag><Key>${esc(r.pick(["a", "aws:x", "k".repeat(129), "", this.garbage(), String(r.int(20))]))}</Key>${r.chance(0.9) ? `<Value>${esc(r.pick(["b", "v".repeat(257), this.garbage()]))}</Value>` : ""}</Tag>`)}</TagSet></Tagging>`,
      () => `<__proto__><constructor><prototype>x</prototype></constructor></__proto__>`,
      () => `<Delete><Object><Key>${"<b>".repeat(3)}</Key></Object>`,
    ];
    let doc = r.pick(docs)();
    if (r.chance(0.15)) doc = doc.slice(0, r.int(doc.length + 1)); // truncated
    if (r.chance(0.05)) doc += "<Junk>" + "x".repeat(r.pick([1_000_000, 3_000_000])) + "</Junk>"; // oversized
    return bin(doc);
  }

  body(method: string, path: string, headers: [string, string][]): Buffer {
    const r = this.r;
    if (SAFE.has(method) && r.chance(0.9)) return Buffer.alloc(0);
    return r.weighted<() => Buffer>([
      [4, () => Buffer.alloc(0)],
      [5, () => Buffer.from(this.xmlBody(), "latin1")],
      [4, () => r.bytes(r.size(300_000))],
      [1, () => Buffer.alloc(r.pick([1_000_000, 6 * 1024 * 1024]), r.int(256))],
      [path.startsWith("/_strata") ? 6 : 1, () => Buffer.from(bin(JSON.stringify(r.pick([{ name: this.garbage() }, { from: "main", name: "dev" }, { strategy: this.garbage() }, [], null, "x", { __proto__: 1 }]))))],
      [1, () => Buffer.from(bin(this.formBody(headers)), "latin1")],
    ])();
  }

  /** A multipart/form-data body for POST Object, and its Content-Type header. */
  formBody(headers: [string, string][]): string {
    const r = this.r;
    const boundary = r.pick(["xyz", "", "-".repeat(100), "a b"]);
    headers.push(["content-type", `multipart/form-data; boundary=${boundary}`]);
    const fields = [["key", this.keyText()], ["policy", this.garbage()], ["x-amz-signature", this.garbage()], ["x-amz-credential", this.garbage()], ["success_action_status", r.pick(["201", "200", "x"])], ["success_action_redirect", this.garbage()]];
    let body = "";
    for (const [name, value] of fields) if (r.chance(0.6)) body += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    body += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n${r.bytes(r.int(100)).toString("latin1")}\r\n--${boundary}--\r\n`;
    return r.chance(0.2) ? body.slice(0, r.int(body.length)) : body;
  }

  /** One request, serialized; whether it is well-framed (an answer is owed) and whether it asks to close. */
  request(chaos: boolean): { bytes: Buffer; method: string; wellFramed: boolean; closes: boolean; poisons: boolean; safeWithBody: boolean } {
    const r = this.r;
    const method = chaos ? this.method() : this.s3Method();
    const unsafe = !SAFE.has(method);
    const addressed = this.addressing(unsafe);
    // Valid HTTP carrying hostile S3: the bytes a key or value holds reach the server percent-encoded, as a client
    // sends them, so the request passes the HTTP parser and the hostile part is what S3 makes of it.
    const { host, target, path, query } = chaos ? addressed : asValidHttp(addressed, `127.0.0.1:${this.w.port}`);
    const version = chaos ? r.weighted([[30, "HTTP/1.1"], [3, "HTTP/1.0"], [1, r.pick(["HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "http/1.1", "HTTP/1.1 x", ""])]]) : r.weighted([[12, "HTTP/1.1"], [1, "HTTP/1.0"]]);
    const headers: [string, string][] = [];
    if (host !== undefined) headers.push(["Host", host]);
    if (r.chance(0.03) && host !== undefined) headers.push(["Host", r.pick(["other", host])]);
    headers.push(...(chaos ? this.extraHeaders() : this.extraHeaders().map(([n, v]): [string, string] => [n, v.replace(CONTROL, "")])));
    let body = this.body(method, path, headers);

    // signing: valid SigV4 (header, maybe streaming), or as it comes
    const sign = r.chance(0.45);
    let streaming = false;
    if (sign && host !== undefined) {
      streaming = body.length > 0 && r.chance(0.25);
      const payloadHash = streaming ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" : r.chance(0.5) ? "UNSIGNED-PAYLOAD" : sha256Hex(body);
      const skew = r.chance(0.05) ? r.pick([-1, 1]) * 20 * 60 * 1000 : 0;
      const signed = signRaw({
        method, rawPath: Buffer.from(path, "latin1").toString("utf8"), rawQuery: Buffer.from(query, "latin1").toString("utf8"), host, payloadHash,
        accessKey: this.w.accessKey, secret: r.chance(0.9) ? this.w.accessKey : "wrong", now: new Date(Date.now() + skew),
      });
      for (let i = headers.length - 1; i >= 0; i--) if (["authorization", "x-amz-date", "x-amz-content-sha256"].includes(headers[i][0])) headers.splice(i, 1);
      headers.push(...signed.headers);
      if (streaming) {
        headers.push(["x-amz-decoded-content-length", String(r.chance(0.9) ? body.length : body.length + 1)], ["content-encoding", "aws-chunked"]);
        body = this.awsChunked(body, (data) => signed.chunks.signChunk(createHash("sha256").update(data).digest()));
      }
    }

    const framing = chaos
      ? r.weighted([[30, "length"], [3, "chunked"], [2, "none"], [1, "short"], [1, "long"], [1, "huge"], [1, "broken-chunks"], [1, "both"], [1, "bad-length"]] as const)
      : r.weighted([[30, "length"], [4, "chunked"]] as const);
    let framed = body;
    switch (framing) {
      case "length":
        if (body.length > 0 || unsafe || r.chance(0.3)) headers.push(["Content-Length", String(body.length)]);
        break;
      case "chunked":
        headers.push(["Transfer-Encoding", "chunked"]);
        framed = this.chunks(body, false);
        break;
      case "none":
        break;
      case "short": // fewer bytes declared than sent: the rest is read as the next request
        headers.push(["Content-Length", String(Math.max(0, body.length - 1 - r.int(10)))]);
        break;
      case "long": // more declared than sent: the server waits for bytes that never come
        headers.push(["Content-Length", String(body.length + 1 + r.int(1000))]);
        break;
      case "huge":
        headers.push(["Content-Length", r.pick(["5368709121", "99999999999999999999", "1e9", "18446744073709551616", "9007199254740993"])]);
        break;
      case "broken-chunks":
        headers.push(["Transfer-Encoding", r.pick(["chunked", "gzip, chunked", "chunked, identity", " chunked"])]);
        framed = this.chunks(body, true);
        break;
      case "both":
        headers.push(["Transfer-Encoding", "chunked"], ["Content-Length", String(body.length)]);
        framed = this.chunks(body, r.chance(0.5));
        break;
      case "bad-length":
        headers.push(["Content-Length", r.pick(["-1", "abc", " 5", "5, 6", "0x10", "+3"])]);
        if (r.chance(0.3)) headers.push(["Content-Length", String(body.length)]);
        break;
    }
    const closes = r.chance(0.05) || version === "HTTP/1.0";
    if (closes && version !== "HTTP/1.0") headers.push(["Connection", "close"]);
    if (version === "HTTP/1.0" && r.chance(0.3)) headers.push(["Connection", "keep-alive"]);
    if (chaos) this.breakHeaders(headers);

    const head = `${method} ${target} ${version}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
    const methodOk = /^(GET|HEAD|PUT|POST|DELETE|OPTIONS|PATCH|TRACE|PROPFIND|MKCOL|LOCK|PURGE|SEARCH|M-SEARCH)$/.test(method);
    const headersOk = headers.every(([n, v]) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(n) && !/[\r\n\x00-\x08\x0a-\x1f\x7f]/.test(v));
    const targetOk = /^(\/|http:\/\/)/.test(target) && !/[\x00-\x20\x7f-\xff#]/.test(target);
    // An Expect other than 100-continue is answered 417 by node:http itself, and under Bun 1.4.5 that answer is lost
    // when the request is pipelined behind another (its checkExpectation answer too): owed nothing, nor what follows.
    const expectFails = headers.some(([n, v]) => n.toLowerCase() === "expect" && v.trim().toLowerCase() !== "100-continue");
    // Bun answers an HTTP/1.1 request without Host itself, before any handler, and closes at once: owed nothing
    const hostOk = host !== undefined || version === "HTTP/1.0";
    // Bun refuses a head of more than ~100 header lines as too large, whatever their size
    const wellFramed = !expectFails && hostOk && headers.length < 90 && methodOk && headersOk && targetOk && (version === "HTTP/1.1" || version === "HTTP/1.0") && (framing === "length" || framing === "chunked" || framing === "short" || (framing === "none" && body.length === 0)) && head.length < 8000;
    // a body longer than declared, or sent without a length, leaves bytes that are no request: nothing after is owed
    const poisons = framing === "short" || (framing === "none" && body.length > 0);
    return { bytes: Buffer.concat([Buffer.from(head, "latin1"), framed]), method, wellFramed, closes, poisons, safeWithBody: SAFE.has(method) && body.length > 0 };
  }

  /** What no client sends: a bad header name, a folded line, too many or too large headers, raw non-ASCII. */
  breakHeaders(headers: [string, string][]): void {
    const r = this.r;
    if (r.chance(0.1)) headers.push([r.pick(["Bad Name", "x:y", "\x01", ""]), "v"]);
    if (r.chance(0.05)) headers.push(["x-folded", "a\r\n b"]);
    if (r.chance(0.05)) for (let i = 0; i < 200; i++) headers.push([`x-many-${i}`, "v"]);
    if (r.chance(0.05)) headers.push(["x-big", "v".repeat(r.pick([8000, 20000, 70000]))]);
    if (headers.length && r.chance(0.05)) r.pick(headers)[1] = bin("ümlaut") + "\xff";
  }

  /** Transfer-Encoding: chunked, right or broken. */
  chunks(body: Buffer, broken: boolean): Buffer {
    const r = this.r;
    const out: Buffer[] = [];
    let at = 0;
    while (at < body.length) {
      const n = Math.min(body.length - at, 1 + r.int(70_000));
      out.push(Buffer.from(`${n.toString(16)}${r.chance(0.05) ? ";ext=1" : ""}\r\n`), body.subarray(at, at + n), Buffer.from("\r\n"));
      at += n;
    }
    out.push(Buffer.from("0\r\n\r\n"));
    if (!broken) return Buffer.concat(out);
    const damage = r.pick([
      () => [Buffer.from("zz\r\n"), ...out],
      () => [Buffer.from("ffffffffffffffff\r\n"), ...out],
      () => out.slice(0, -1),
      () => [Buffer.from("5\r\nab\r\n"), ...out],
      () => [...out.slice(0, -1), Buffer.from("0\r\nx-trailer: 1\r\n\r\n")],
      () => [Buffer.from("-1\r\n"), ...out],
      () => [Buffer.from("3\nabc\n0\n\n")],
      () => [Buffer.from(`${"0".repeat(100)}1\r\na\r\n`), ...out],
    ])();
    return Buffer.concat(damage);
  }

  /** An aws-chunked body, its chunk signatures from `sign` (or damaged). */
  awsChunked(body: Buffer, sign: (data: Buffer) => string): Buffer {
    const r = this.r;
    const out: Buffer[] = [];
    let at = 0;
    const chunk = (data: Buffer) => {
      let sig = sign(data);
      if (r.chance(0.1)) sig = r.pick(["0".repeat(64), "", sig.slice(1), "zz"]);
      out.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${sig}\r\n`), data, Buffer.from("\r\n"));
    };
    while (at < body.length) {
      const n = Math.min(body.length - at, r.chance(0.5) ? 8192 : 65536);
      chunk(body.subarray(at, at + n));
      at += n;
    }
    chunk(Buffer.alloc(0));
    if (r.chance(0.1)) out.splice(r.int(out.length), 1);
    if (r.chance(0.05)) out.push(Buffer.from("garbage"));
    return Buffer.concat(out);
  }

  /** A whole connection: one request or several pipelined, written at once or in pieces, maybe cut short. */
  connection(): WireCase {
    const r = this.r;
    const count = r.weighted([[12, 1], [2, 2], [1, 4]]);
    // Most connections are valid HTTP, so that their hostility reaches S3; the rest go after the HTTP layer itself.
    const chaos = r.chance(CHAOS_SHARE);
    const requests = Array.from({ length: count }, () => this.request(chaos));
    let owed = 0;
    for (const [i, q] of requests.entries()) {
      if (!q.wellFramed) break;
      // KNOWN BUG, unfixed (reported by the hostile helper): a GET or HEAD with a body pipelined behind another
      // request gets no answer, the connection closes after the first (GET /b/x, then HEAD /b/x with
      // Content-Length: 1000000 and its body, on one connection). Owed nothing until it is fixed.
      if (i > 0 && q.safeWithBody) break;
      owed++;
      if (q.closes || q.poisons) break;
    }
    // Bun ends and destroys a connection the moment an answer that closes it is out: bytes the client sent after
    // asking to close (HTTP/1.0, Connection: close) may reset that answer away. Owed only when nothing follows.
    const closing = requests.findIndex((q) => q.closes);
    const sentAfterClose = closing >= 0 && closing < owed && closing < requests.length - 1;
    if (sentAfterClose) owed = closing;
    let bytes: Buffer = Buffer.concat(requests.map((q) => q.bytes));
    let hangUp: WireCase["hangUp"] = "none";
    const ending = chaos ? r.weighted([[4, "whole"], [1, "cut"], [1, "end"], [1, "garbage"]] as const) : r.weighted([[20, "whole"], [1, "end"]] as const);
    if (ending === "cut") {
      bytes = bytes.subarray(0, r.int(bytes.length));
      hangUp = "reset";
      owed = 0;
    } else if (ending === "end") {
      hangUp = "end";
    } else if (ending === "garbage") {
      // random bytes instead of requests are owed nothing; after them, the requests before are still owed answers
      if (r.chance(0.5)) {
        bytes = r.bytes(r.size(5000));
        owed = 0;
        requests.length = 0;
      } else {
        bytes = Buffer.concat([bytes, r.bytes(1 + r.int(100))]);
        if (closing >= 0 && closing < owed) owed = closing; // the garbage follows the request that asked to close
      }
    }
    const pieces: Buffer[] = [];
    if (r.chance(0.1)) {
      for (let at = 0; at < bytes.length; ) {
        const n = 1 + r.int(r.chance(0.5) ? 10 : 2000);
        pieces.push(bytes.subarray(at, at + n));
        at += n;
        if (pieces.length > 50) {
          pieces.push(bytes.subarray(at));
          break;
        }
      }
    } else pieces.push(bytes);
    // once one request is not read as sent, the server may read the ones after it as something else
    const trusted = (i: number) => requests.slice(0, i + 1).every((q, j) => q.wellFramed && (j === i || !q.poisons));
    const methods = requests.map((q, i) => (q.method === "HEAD" && !trusted(i) ? "HEAD?" : q.method));
    return { pieces, pauseMs: pieces.length > 1 ? r.int(3) : 0, methods, owed, hangUp };
  }
}
