// The few S3 calls the load generator makes, as bare unsigned path-style HTTP requests over
// fetch (which keeps connections alive and reuses them). Every target gets byte-identical
// requests, so the client's own cost is the same for all of them.
//
// Object PUTs carry `x-amz-acl: public-read` because moto_server refuses anonymous GET/HEAD of
// private objects (403); the header is a canned ACL every S3 server accepts, and it is sent to
// every target alike. `content-type` is explicit because moto stores a form-encoded body as
// empty.

const PUT_HEADERS = { "content-type": "application/octet-stream", "x-amz-acl": "public-read" };

export class RequestFailed extends Error {}

function fail(method: string, url: string, status: number, detail = ""): never {
  throw new RequestFailed(`${method} ${url} answered ${status}${detail ? ` (${detail})` : ""}`);
}

export class S3Endpoint {
  constructor(readonly base: string) {}

  url(bucket: string, key?: string, query?: string): string {
    const path = key === undefined ? bucket : `${bucket}/${encodeURIComponent(key)}`;
    return `${this.base}/${path}${query ? `?${query}` : ""}`;
  }

  /** Creates a bucket; one that already exists and is ours counts as created. */
  async createBucket(bucket: string, signal?: AbortSignal): Promise<void> {
    const url = this.url(bucket);
    const res = await fetch(url, { method: "PUT", signal });
    const text = await res.text();
    if (!res.ok && !(res.status === 409 && text.includes("BucketAlreadyOwnedByYou"))) fail("PUT", url, res.status, text.slice(0, 200));
  }

  /** PUT of an in-memory body (small objects) or a file (Bun.file: streamed, with Content-Length). */
  async put(bucket: string, key: string, body: Uint8Array<ArrayBuffer> | Blob, signal?: AbortSignal): Promise<void> {
    const url = this.url(bucket, key);
    const res = await fetch(url, { method: "PUT", body, headers: PUT_HEADERS, signal });
    await res.arrayBuffer();
    if (!res.ok) fail("PUT", url, res.status);
  }

  /** GET that reads the whole body chunk by chunk and keeps none of it; returns its length. */
  async getDrain(bucket: string, key: string, signal?: AbortSignal): Promise<number> {
    const url = this.url(bucket, key);
    const res = await fetch(url, { signal });
    if (!res.ok || !res.body) {
      await res.arrayBuffer();
      fail("GET", url, res.status);
    }
    const reader = res.body.getReader();
    let length = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) length += r.value.byteLength;
    return length;
  }

  /** GET of a small body in one piece; returns its length. */
  async getSmall(bucket: string, key: string, signal?: AbortSignal): Promise<number> {
    const url = this.url(bucket, key);
    const res = await fetch(url, { signal });
    const body = await res.arrayBuffer();
    if (!res.ok) fail("GET", url, res.status);
    return body.byteLength;
  }

  /** HEAD; returns the Content-Length the server reports. */
  async head(bucket: string, key: string, signal?: AbortSignal): Promise<number> {
    const url = this.url(bucket, key);
    const res = await fetch(url, { method: "HEAD", signal });
    await res.arrayBuffer();
    if (!res.ok) fail("HEAD", url, res.status);
    return Number(res.headers.get("content-length"));
  }

  /** One ListObjectsV2 page, as the raw XML. */
  async listPage(bucket: string, maxKeys: number, startAfter?: string, signal?: AbortSignal): Promise<string> {
    const query = `list-type=2&max-keys=${maxKeys}${startAfter ? `&start-after=${encodeURIComponent(startAfter)}` : ""}`;
    const url = this.url(bucket, undefined, query);
    const res = await fetch(url, { signal });
    const text = await res.text();
    if (!res.ok) fail("GET", url, res.status, text.slice(0, 200));
    return text;
  }
}

/** The keys of a ListObjectsV2 page, in order (enough XML reading to check a page). */
export function keysOfListPage(xml: string): string[] {
  const keys: string[] = [];
  for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(unescapeXml(m[1]));
  return keys;
}

function unescapeXml(s: string): string {
  return s.replace(/&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    if (e[0] !== "#") return named[e.toLowerCase()];
    return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}
