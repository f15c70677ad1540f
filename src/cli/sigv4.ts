// AWS Signature V4 for the CLI's requests, so the admin API and S3 can take the same credentials.
// Bodies that stream are sent as UNSIGNED-PAYLOAD; JSON bodies are hashed.
import { digest, hmacSha256 } from "../hash/hashing.ts";
import { deriveSigningKey } from "../s3/auth/sigv4.ts";
import { canonicalQuery } from "../s3/auth/uri-encoding.ts";
import { toHex, utf8 } from "../util/bytes.ts";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

export const sha256Hex = (data: string | Uint8Array): string => toHex(digest("sha256", typeof data === "string" ? utf8(data) : data));

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
  // The verifier's own canonical form of the query, so the two sides cannot drift apart.
  const canonical = [
    request.method,
    url.pathname,
    canonicalQuery(url.search.slice(1)),
    names.map((n) => `${n}:${headers.get(n)!.trim()}\n`).join(""),
    names.join(";"),
    request.payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
  const signature = toHex(hmacSha256(deriveSigningKey(creds.secretAccessKey, day, region, "s3"), toSign));
  headers.set("authorization", `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`);
}
