// SigV4 over a request exactly as it goes on the wire (raw path and query, no URL parsing), for the fuzzer's
// signed requests, and the chain of chunk signatures for a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
import { createHash, createHmac } from "node:crypto";
import { canonicalPath, canonicalQuery } from "../../../src/s3/auth/uri-encoding.ts";
import { deriveSigningKey } from "../../../src/s3/auth/sigv4.ts";
import { ChunkSignatureChain } from "../../../src/s3/payload/chunk-signatures.ts";

export const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

export interface RawSigning {
  method: string;
  rawPath: string;
  rawQuery: string;
  host: string;
  payloadHash: string;
  accessKey: string;
  secret: string;
  region?: string;
  now?: Date;
}

/** The headers that sign the request (x-amz-date, x-amz-content-sha256, authorization), and its chunk chain. */
export function signRaw(r: RawSigning): { headers: [string, string][]; chunks: ChunkSignatureChain } {
  const region = r.region ?? "us-east-1";
  const amzDate = (r.now ?? new Date()).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const names = ["host", "x-amz-content-sha256", "x-amz-date"];
  const values: Record<string, string> = { host: r.host, "x-amz-content-sha256": r.payloadHash, "x-amz-date": amzDate };
  const canonical = [
    r.method,
    canonicalPath(r.rawPath),
    canonicalQuery(r.rawQuery),
    names.map((n) => `${n}:${values[n].trim()}\n`).join(""),
    names.join(";"),
    r.payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const signingKey = deriveSigningKey(r.secret, day, region, "s3");
  const signature = createHmac("sha256", signingKey).update(`AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`).digest("hex");
  return {
    headers: [
      ["x-amz-date", amzDate],
      ["x-amz-content-sha256", r.payloadHash],
      ["authorization", `AWS4-HMAC-SHA256 Credential=${r.accessKey}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`],
    ],
    chunks: new ChunkSignatureChain({ seedSignature: signature, signingKey, scope, amzDate }),
  };
}
