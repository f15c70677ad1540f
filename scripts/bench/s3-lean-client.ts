// The S3 calls of the small-object and list phases over the lean HTTP/1.1 client: one
// persistent connection per load-generator client, each request assembled into one buffer
// (request line, headers with the SigV4 signature, body) and written in one go. Measuring
// thousands of small requests a second on two cores shared with the server, fetch's own cost
// (~40–70 µs of CPU per small request here) would weigh as much as a fast server's; this costs
// about half, over a third of which is the kernel's share of each send and receive.
import { Http1Connection } from "./http1-connection.ts";
import type { Http1Response } from "./http1-response.ts";
import { fail, listQuery, RequestFailed, s3Path } from "./s3-client.ts";
import type { SigV4Signer } from "./sigv4.ts";

export class LeanS3Client {
  private readonly host: string;
  private readonly hostname: string;
  private readonly port: number;
  private readonly connections: Http1Connection[] = [];

  constructor(
    private readonly base: string,
    private readonly signer?: SigV4Signer,
  ) {
    const url = new URL(base);
    this.host = url.host;
    this.hostname = url.hostname;
    this.port = Number(url.port || 80);
  }

  /** PUT of an in-memory body. */
  async put(bucket: string, key: string, body: Uint8Array, client: number, signal?: AbortSignal): Promise<void> {
    await this.call("PUT", s3Path(bucket, key), "", client, signal, body);
  }

  /** GET of a small body in one piece; returns its length. */
  async getSmall(bucket: string, key: string, client: number, signal?: AbortSignal): Promise<number> {
    return (await this.call("GET", s3Path(bucket, key), "", client, signal)).body.length;
  }

  /** HEAD; returns the Content-Length the server reports. */
  async head(bucket: string, key: string, client: number, signal?: AbortSignal): Promise<number> {
    const path = s3Path(bucket, key);
    const res = await this.call("HEAD", path, "", client, signal);
    if (res.contentLength === undefined) throw new RequestFailed(`HEAD ${this.base}${path} answered without Content-Length`);
    return res.contentLength;
  }

  /** One ListObjectsV2 page, as the raw XML. */
  async listPage(bucket: string, maxKeys: number, startAfter: string | undefined, client: number, signal?: AbortSignal): Promise<string> {
    const res = await this.call("GET", s3Path(bucket), listQuery(maxKeys, startAfter), client, signal);
    return Buffer.from(res.body.buffer, res.body.byteOffset, res.body.length).toString("utf8");
  }

  /** Closes every connection. */
  close(): void {
    for (const c of this.connections) c.close();
  }

  private async call(method: string, path: string, query: string, client: number, signal?: AbortSignal, body?: Uint8Array): Promise<Http1Response> {
    const connection = (this.connections[client] ??= new Http1Connection(this.hostname, this.port));
    const res = await connection.send(this.request(method, path, query, body), method === "HEAD", signal);
    if (res.status < 200 || res.status > 299) {
      const detail = Buffer.from(res.body.buffer, res.body.byteOffset, Math.min(res.body.length, 200)).toString("utf8");
      fail(method, `${this.base}${path}${query ? `?${query}` : ""}`, res.status, detail);
    }
    return res;
  }

  private request(method: string, path: string, query: string, body?: Uint8Array): Uint8Array {
    let head = `${method} ${path}${query ? `?${query}` : ""} HTTP/1.1\r\nHost: ${this.host}\r\n`;
    if (this.signer) {
      const signed = this.signer.sign(method, this.host, path, query);
      for (const name in signed) head += `${name}: ${signed[name]}\r\n`;
    }
    if (body) head += `Content-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n`;
    head += "\r\n";
    // Paths are URI-encoded and header values ASCII, so one character is one byte.
    const bytes = Buffer.allocUnsafe(head.length + (body?.length ?? 0));
    bytes.write(head, 0, "latin1");
    if (body) bytes.set(body, head.length);
    return bytes;
  }
}
