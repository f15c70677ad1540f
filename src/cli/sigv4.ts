// AWS Signature V4 for the CLI's requests, so the admin API and S3 can take the same credentials.
// Bodies that stream are sent as UNSIGNED-PAYLOAD; JSON bodies are hashed.
import { createHash } from "node:crypto";
import { hmacSha256 } from "../hash/hashing.ts";
import { toHex } from "../util/bytes.ts";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

export const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export const encodeRfc3986 = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Adds x-amz-date, x-amz-content-sha256 and Authorization to headers. The URL path must already be encoded. */
export function signV4(
  request: { method: string; url: URL; headers: Headers; payloadHash: string },
  creds: Credentials,
  region: string,
  now = new Date(),
): void {
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const { headers, url } = request;
  headers.set("host", url.host);
  headers.set("x-amz-date", amzDate);
  headers.set("x-amz-content-sha256", request.payloadHash);
  if (creds.sessionToken) headers.set("x-amz-security-token", creds.sessionToken);
  const names = ["host", "x-amz-content-sha256", "x-amz-date", ...(creds.sessionToken ? ["x-amz-security-token"] : [])].sort();
  const query = [...url.searchParams]
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonical = [
    request.method,
    url.pathname,
    query,
    names.map((n) => `${n}:${headers.get(n)!.trim()}\n`).join(""),
    names.join(";"),
    request.payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
  let key: Uint8Array = hmacSha256(`AWS4${creds.secretAccessKey}`, day);
  for (const part of [region, "s3", "aws4_request"]) key = hmacSha256(key, part);
  const signature = toHex(hmacSha256(key, toSign));
  headers.set("authorization", `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`);
}
