// A small S3 client over fetch for the distributed blob backend: PUT, ranged GET, DELETE and ListObjectsV2 on one
// bucket, path-style, signed with SigV4 (UNSIGNED-PAYLOAD, so bodies are not hashed twice). Runs unchanged in Bun
// and Deno. Every failure to reach the store becomes UnavailableError (503 to clients), never a half-applied write.
import { digest, hmacSha256 } from "../hash/hashing.ts";
import { toHex, utf8 } from "../util/bytes.ts";
import { UnavailableError } from "../util/unavailable.ts";
import { unescapeXml } from "../util/xml-text.ts";

export interface ObjectStoreConfig {
  /** e.g. http://127.0.0.1:9000; the bucket is addressed path-style below it */
  endpoint: string;
  region: string;
  bucket: string;
  /** key prefix, without leading or trailing slash ("" for none) */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A request ready to send: what the synchronous reader hands its worker. */
export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
}

const TIMEOUT_MS = { get: 20_000, put: 120_000, other: 20_000 };

/** Parses `s3://bucket/prefix` (the --blobs flag). */
export function parseBlobsUrl(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m) throw new Error(`--blobs must look like s3://bucket/prefix, not ${JSON.stringify(url)}`);
  return { bucket: m[1], prefix: m[2].replace(/^\/+|\/+$/g, "") };
}

/** RFC 3986 encoding as SigV4 wants it; `/` kept in paths. */
function encode(s: string, keepSlash: boolean): string {
  const e = encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash ? e.replace(/%2F/g, "/") : e;
}

export class ObjectStore {
  private keyCache: { day: string; key: Uint8Array } | undefined;

  constructor(readonly config: ObjectStoreConfig) {}

  /** The full object key of a name under the prefix. */
  key(name: string): string {
    return this.config.prefix ? `${this.config.prefix}/${name}` : name;
  }

  /** Signs a request for `name` (below the prefix); query values are plain strings. */
  sign(method: string, name: string | null, query: Record<string, string> = {}, extra: Record<string, string> = {}): SignedRequest {
    const { endpoint, region, bucket, accessKeyId, secretAccessKey, sessionToken } = this.config;
    const base = new URL(endpoint);
    const path = `/${encode(bucket, false)}${name === null ? "" : "/" + encode(this.key(name), true)}`;
    const qs = Object.keys(query).sort().map((k) => `${encode(k, false)}=${encode(query[k], false)}`).join("&");
    const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = { host: base.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": amzDate, ...extra };
    if (sessionToken) headers["x-amz-security-token"] = sessionToken;
    const names = Object.keys(headers).map((n) => n.toLowerCase()).sort();
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = String(v).trim();
    const canonical = [method, path, qs, names.map((n) => `${n}:${lower[n]}\n`).join(""), names.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${toHex(digest("sha256", utf8(canonical)))}`;
    if (this.keyCache?.day !== day) {
      const kDate = hmacSha256(utf8("AWS4" + secretAccessKey), day);
      this.keyCache = { day, key: hmacSha256(hmacSha256(hmacSha256(kDate, region), "s3"), "aws4_request") };
    }
    const signature = toHex(hmacSha256(this.keyCache.key, toSign));
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
    delete headers.host; // fetch sets it from the URL
    return { url: `${base.origin}${path}${qs ? "?" + qs : ""}`, headers };
  }

  private async send(method: string, req: SignedRequest, body: BodyInit | undefined, timeout: number): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(req.url, { method, headers: req.headers, body, signal: AbortSignal.timeout(timeout) });
    } catch (err) {
      throw new UnavailableError(`object store unreachable: ${(err as Error).message}`);
    }
    if (res.status >= 500 || res.status === 429) {
      await res.body?.cancel();
      throw new UnavailableError(`object store answered ${res.status}`, res.status === 503 || res.status === 429 ? "SlowDown" : "ServiceUnavailable");
    }
    return res;
  }

  async put(name: string, parts: Uint8Array[]): Promise<void> {
    const length = parts.reduce((n, p) => n + p.length, 0);
    const body = new Blob(parts as BlobPart[]);
    const res = await this.send("PUT", this.sign("PUT", name, {}, { "content-length": String(length) }), body, TIMEOUT_MS.put);
    await res.body?.cancel();
    if (!res.ok) throw new Error(`object store PUT ${name}: ${res.status}`);
  }

  /** Bytes [start, end) of an object, or undefined when the object does not exist. */
  async getRange(name: string, start: number, end: number): Promise<Uint8Array | undefined> {
    const res = await this.send("GET", this.rangeRequest(name, start, end), undefined, TIMEOUT_MS.get);
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) throw new Error(`object store GET ${name}: ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  rangeRequest(name: string, start: number, end: number): SignedRequest {
    return this.sign("GET", name, {}, { range: `bytes=${start}-${end - 1}` });
  }

  async delete(name: string): Promise<void> {
    const res = await this.send("DELETE", this.sign("DELETE", name), undefined, TIMEOUT_MS.other);
    await res.body?.cancel();
    if (!res.ok && res.status !== 404) throw new Error(`object store DELETE ${name}: ${res.status}`);
  }

  /** Every object below `under` (relative to the prefix), with size and last-modified time. */
  async *list(under: string): AsyncGenerator<{ name: string; size: number; modified: number }> {
    let token: string | undefined;
    const strip = this.config.prefix ? this.config.prefix.length + 1 : 0;
    do {
      const query: Record<string, string> = { "list-type": "2", prefix: this.key(under) };
      if (token) query["continuation-token"] = token;
      const res = await this.send("GET", this.sign("GET", null, query), undefined, TIMEOUT_MS.other);
      const xml = await res.text();
      if (!res.ok) throw new Error(`object store list: ${res.status} ${xml.slice(0, 200)}`);
      for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const field = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(m[1])?.[1] ?? "";
        yield { name: unescapeXml(field("Key")).slice(strip), size: Number(field("Size")), modified: Date.parse(field("LastModified")) };
      }
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? unescapeXml(/<NextContinuationToken>([\s\S]*?)<\/NextContinuationToken>/.exec(xml)?.[1] ?? "") : undefined;
    } while (token);
  }
}
