// The S3 calls that move large objects, as bare path-style HTTP requests over fetch (which keeps
// connections alive and reuses them), plus what the lean client (s3-lean-client.ts) shares with
// them: paths, queries, failures, list pages. Requests are SigV4-signed unless the endpoint is
// built without a signer (see sigv4.ts for why signing is the default).
// `content-type` is explicit on PUTs because moto stores a form-encoded body as empty.
import { uriEncode, type SigV4Signer } from "./sigv4.ts";

export class RequestFailed extends Error {}

export function fail(method: string, url: string, status: number, detail = ""): never {
  throw new RequestFailed(`${method} ${url} answered ${status}${detail ? ` (${detail})` : ""}`);
}

/** The path-style path of a bucket or an object, URI-encoded as sent and signed. */
export function s3Path(bucket: string, key?: string): string {
  return key === undefined ? `/${bucket}` : `/${bucket}/${uriEncode(key)}`;
}

/** The query of one ListObjectsV2 page. */
export function listQuery(maxKeys: number, startAfter?: string): string {
  return `list-type=2&max-keys=${maxKeys}${startAfter ? `&start-after=${uriEncode(startAfter)}` : ""}`;
}

export class S3Endpoint {
  private readonly host: string;

  constructor(
    readonly base: string,
    private readonly signer?: SigV4Signer,
  ) {
    this.host = new URL(base).host;
  }

  private request(method: string, bucket: string, key: string | undefined, query: string, init: RequestInit = {}): { url: string; done: Promise<Response> } {
    const path = s3Path(bucket, key);
    const url = `${this.base}${path}${query ? `?${query}` : ""}`;
    const signed = this.signer?.sign(method, this.host, path, query);
    const headers = signed ? { ...(init.headers as Record<string, string>), ...signed } : init.headers;
    return { url, done: fetch(url, { ...init, method, headers }) };
  }

  /** Creates a bucket; one that already exists and is ours counts as created. */
  async createBucket(bucket: string, signal?: AbortSignal): Promise<void> {
    const { url, done } = this.request("PUT", bucket, undefined, "", { signal });
    const res = await done;
    const text = await res.text();
    if (!res.ok && !(res.status === 409 && text.includes("BucketAlreadyOwnedByYou"))) fail("PUT", url, res.status, text.slice(0, 200));
  }

  /** PUT of a file (Bun.file: streamed, with Content-Length). */
  async put(bucket: string, key: string, body: Blob, signal?: AbortSignal): Promise<void> {
    const { url, done } = this.request("PUT", bucket, key, "", { body, headers: { "content-type": "application/octet-stream" }, signal });
    const res = await done;
    await res.arrayBuffer();
    if (!res.ok) fail("PUT", url, res.status);
  }

  /** GET that reads the whole body chunk by chunk and keeps none of it; returns its length. */
  async getDrain(bucket: string, key: string, signal?: AbortSignal): Promise<number> {
    const { url, done } = this.request("GET", bucket, key, "", { signal });
    const res = await done;
    if (!res.ok || !res.body) {
      await res.arrayBuffer();
      fail("GET", url, res.status);
    }
    const reader = res.body.getReader();
    let length = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) length += r.value.byteLength;
    return length;
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
