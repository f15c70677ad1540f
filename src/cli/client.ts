// The CLI's connection to a running server: admin JSON calls and S3 requests, signed with SigV4 when
// AWS_ACCESS_KEY_ID is set (the same credentials S3 takes), turned into CliErrors with meaningful exit codes.
import * as fs from "node:fs";
import process from "node:process";
import { type Fetch, fetchTrusting } from "../runtime/fetch.ts";
import { CliError, EXIT, exitCodeOf, usageError } from "./exit.ts";
import { uriEncode } from "../s3/auth/uri-encoding.ts";
import { unescapeXml } from "../util/xml-text.ts";
import { type Credentials, sha256Hex, signV4, UNSIGNED_PAYLOAD } from "./sigv4.ts";

export const DEFAULT_SERVER = "http://127.0.0.1:30600";

type Query = Record<string, string | number | boolean | undefined>;

export class StrataClient {
  readonly base: URL;

  /**
   * @param transport sends the requests: fetch (trusting --ca), or an in-process app (`strata auth --data-dir`)
   */
  constructor(server: string, private readonly credentials?: Credentials, private readonly region = "us-east-1", private readonly transport: Fetch = fetchTrusting(undefined)) {
    try {
      this.base = new URL(server);
    } catch {
      throw new CliError(EXIT.usage, `--server ${server} is not a URL (example: ${DEFAULT_SERVER})`);
    }
  }

  static fromEnv(serverFlag: string | undefined, caFile?: string, env: Record<string, string | undefined> = process.env): StrataClient {
    const credentials = env.AWS_ACCESS_KEY_ID
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? env.AWS_ACCESS_KEY_ID, sessionToken: env.AWS_SESSION_TOKEN }
      : undefined;
    let ca: string | undefined;
    if (caFile !== undefined) {
      try {
        ca = fs.readFileSync(caFile, "utf8");
      } catch (err) {
        throw usageError(`--ca ${caFile}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
      }
    }
    return new StrataClient(serverFlag ?? env.STRATA_SERVER ?? DEFAULT_SERVER, credentials, env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1", fetchTrusting(ca));
  }

  /** Calls the admin API; resolves to its JSON answer, throws CliError on an error answer. */
  async admin<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    const url = this.url(`/_strata/${path.split("/").map((segment) => uriEncode(segment)).join("/")}`, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers = new Headers(body === undefined ? {} : { "content-type": "application/json" });
    const res = await this.send(method, url, headers, body, sha256Hex(body ?? ""));
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError(EXIT.failure, `${this.base.origin} answered ${res.status} with something that is not Strata's admin API: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const { code, message, ...details } = (json as { error?: { code?: string; message?: string } }).error ?? {};
      throw new CliError(exitCodeOf(res.status), message ?? `HTTP ${res.status}`, code, Object.keys(details).length ? details : undefined);
    }
    return json as T;
  }

  /** An S3 request on bucket/key; bodies stream (UNSIGNED-PAYLOAD). Error answers become CliErrors. */
  async s3(method: string, bucket: string, key: string | undefined, init: { body?: ReadableStream<Uint8Array>; headers?: Record<string, string>; query?: Query } = {}): Promise<Response> {
    const path = `/${bucket}${key === undefined ? "" : `/${key.split("/").map((segment) => uriEncode(segment)).join("/")}`}`;
    const res = await this.send(method, this.url(path, init.query), new Headers(init.headers), init.body, init.body ? UNSIGNED_PAYLOAD : sha256Hex(""));
    if (res.ok) return res;
    const text = method === "HEAD" ? "" : await res.text();
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? res.headers.get("x-amz-error-code") ?? `HTTP ${res.status}`;
    const message = unescapeXml(/<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? code);
    throw new CliError(exitCodeOf(res.status), `${bucket}${key ? `/${key}` : ""}: ${message}`, code);
  }

  private url(path: string, query: Query = {}): URL {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  private async send(method: string, url: URL, headers: Headers, body: BodyInit | undefined, payloadHash: string): Promise<Response> {
    if (this.credentials) signV4({ method, url, headers, payloadHash }, this.credentials, this.region);
    try {
      return await this.transport(url, { method, headers, body, duplex: "half" } as RequestInit);
    } catch (err) {
      const why = `${(err as Error).message} ${(err as { code?: string }).code ?? ""}`;
      if (/certificate|CERT|self.signed|SSL|TLS/i.test(why)) {
        throw new CliError(
          EXIT.unreachable,
          `${this.base.origin}'s TLS certificate is not trusted (${(err as Error).message}): give its CA with --ca FILE (or NODE_EXTRA_CA_CERTS=FILE)`,
          "UntrustedCertificate",
        );
      }
      throw new CliError(EXIT.unreachable, `cannot reach Strata at ${this.base.origin} (${(err as Error).message}): is \`strata serve\` running? Set --server or STRATA_SERVER.`);
    }
  }
}
