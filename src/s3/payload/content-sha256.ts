// What `x-amz-content-sha256` says about the body: how it is framed and how it is vouched for.
// The framing is decided from this header only, never from Content-Encoding (clients disagree there).
import { S3Error } from "../errors.ts";

export type PayloadMode =
  /** The body is the object; `sha256` (lower-case hex) when the client vouched for its hash. */
  | { framing: "plain"; sha256?: string }
  /** aws-chunked framing; `signed`: every chunk carries a signature; `trailer`: trailers follow the last chunk. */
  | { framing: "aws-chunked"; signed: boolean; trailer: boolean };

const MODES: Record<string, PayloadMode> = {
  "UNSIGNED-PAYLOAD": { framing: "plain" },
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD": { framing: "aws-chunked", signed: true, trailer: false },
  "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER": { framing: "aws-chunked", signed: true, trailer: true },
  "STREAMING-UNSIGNED-PAYLOAD-TRAILER": { framing: "aws-chunked", signed: false, trailer: true },
};

export function payloadMode(value: string | null): PayloadMode {
  if (value === null || value === "") return { framing: "plain" };
  const known = MODES[value];
  if (known) return known;
  if (/^[0-9a-fA-F]{64}$/.test(value)) return { framing: "plain", sha256: value.toLowerCase() };
  if (value.startsWith("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")) {
    throw new S3Error("NotImplemented", "SigV4a streaming payloads (STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD) are not supported.");
  }
  throw new S3Error(
    "InvalidArgument",
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.",
  );
}
