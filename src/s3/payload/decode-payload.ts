// Turns a request body into the object's bytes: removes the framing x-amz-content-sha256 announces,
// verifies every signature, hash, length and checksum the client vouched for, and streams.
//
// Contract with the consumer (the store): the returned stream errors with an S3Error instead of
// closing when any check fails, and the last piece of data is held back until every check passed.
// So a consumer that commits only when the stream closes commits nothing that was not verified.
import { createHasher, type Hasher } from "../../hash/hashing.ts";
import { concatBytes, toHex } from "../../util/bytes.ts";
import type { AuthResult } from "../auth/types.ts";
import { S3Error } from "../errors.ts";
import { AwsChunkedDecoder } from "./aws-chunked.ts";
import { ChunkSignatureChain } from "./chunk-signatures.ts";
import { type ChecksumAlgorithm, checksumRequest, type ChecksumValues, ChecksumVerifier } from "./checksums.ts";
import { payloadMode } from "./content-sha256.ts";

export interface DecodedPayload {
  /** The object's bytes. Errors with an S3Error (never closes) when a check fails; see above. */
  readonly body: ReadableStream<Uint8Array>;
  /**
   * Once `body` has closed: every checksum verified or computed, base64 (store them, return them
   * with x-amz-checksum-mode: ENABLED). Throws if called before.
   */
  checksums(): ChecksumValues;
}

export interface DecodeOptions {
  /** Checksums to compute even when the client sent none (returned by checksums()). */
  compute?: readonly ChecksumAlgorithm[];
}

/** The checks on one payload, fed piece by piece, whether it arrives streamed or read at once. */
interface PayloadChecks {
  /** Feeds bytes as received; hands the object's bytes (unframed) to `take`. Throws S3Error. */
  write(received: Uint8Array, take: (piece: Uint8Array) => void): void;
  /** After the last byte: runs the end-of-body checks (length, hashes, trailers) and returns the checksums. Throws S3Error. */
  finish(): ChecksumValues;
}

function payloadChecks(headers: Headers, auth: AuthResult, options: DecodeOptions): PayloadChecks {
  const mode = payloadMode(headers.get("x-amz-content-sha256"));
  let decoder: AwsChunkedDecoder | undefined;
  if (mode.framing === "aws-chunked") {
    let chain: ChunkSignatureChain | undefined;
    if (mode.signed) {
      if (auth.kind !== "signed" || (auth.scheme !== "v4-header" && auth.scheme !== "v4-query")) {
        throw new S3Error("InvalidRequest", "A STREAMING-AWS4-HMAC-SHA256-PAYLOAD body needs a SigV4-signed request.");
      }
      // Unchecked request signature (auth off): the chunk signatures have no key to be checked with either.
      if (auth.v4) chain = new ChunkSignatureChain(auth.v4);
    }
    decoder = new AwsChunkedDecoder(chain, mode.trailer);
  }
  const checksums = new ChecksumVerifier(checksumRequest(headers, mode.framing === "aws-chunked" && mode.trailer), options.compute);
  const sha256 = mode.framing === "plain" && mode.sha256 ? createHasher("sha256") : undefined;
  const declared = declaredLength(headers);
  let received = 0;

  const accept = (piece: Uint8Array, take: (piece: Uint8Array) => void) => {
    if (piece.length === 0) return;
    received += piece.length;
    if (declared !== undefined && received > declared) {
      throw new S3Error("InvalidRequest", "The body holds more bytes than its declared length.");
    }
    checksums.update(piece);
    sha256?.update(piece);
    take(piece);
  };

  return {
    write(bytes, take) {
      if (decoder) decoder.write(bytes, (piece) => accept(piece, take));
      else accept(bytes, take);
    },
    finish() {
      const trailers = decoder ? decoder.end() : new Map<string, string>();
      if (declared !== undefined && received < declared) throw new S3Error("IncompleteBody");
      if (sha256) checkSha256(sha256, mode.framing === "plain" ? mode.sha256! : "");
      return checksums.finish(trailers);
    },
  };
}

/**
 * Checks the headers at once (throws S3Error: InvalidArgument, NotImplemented, InvalidRequest,
 * InvalidDigest); all body checks happen while `body` is read.
 */
export function decodePayload(
  headers: Headers,
  body: ReadableStream<Uint8Array> | null,
  auth: AuthResult,
  options: DecodeOptions = {},
): DecodedPayload {
  const checks = payloadChecks(headers, auth, options);
  let values: ChecksumValues | undefined;
  return {
    body: verifiedStream(body, checks, (v) => (values = v)),
    checksums() {
      if (!values) throw new Error("checksums() called before the payload was fully read and verified");
      return values;
    },
  };
}

/**
 * decodePayload for a payload read whole (a small one): the same checks, without a stream.
 * Returns the object's bytes and checksums once every check passed; throws S3Error otherwise.
 */
export function decodeWholePayload(
  headers: Headers,
  received: Uint8Array,
  auth: AuthResult,
  options: DecodeOptions = {},
): { bytes: Uint8Array<ArrayBuffer>; checksums: ChecksumValues } {
  const checks = payloadChecks(headers, auth, options);
  const pieces: Uint8Array[] = [];
  checks.write(received, (piece) => pieces.push(piece));
  const checksums = checks.finish();
  // Pieces are views of `received` or of the decoder's own arrays: never of a shared or resizable buffer.
  const bytes = (pieces.length === 1 ? pieces[0] : concatBytes(pieces)) as Uint8Array<ArrayBuffer>;
  return { bytes, checksums };
}

/**
 * How many bytes of object the request says it carries: x-amz-decoded-content-length for an aws-chunked body
 * (its Content-Length counts the framing too), else Content-Length; undefined when it does not say.
 */
export function declaredLength(headers: Headers): number | undefined {
  const chunked = payloadMode(headers.get("x-amz-content-sha256")).framing === "aws-chunked";
  return parseLength(headers.get(chunked ? "x-amz-decoded-content-length" : "content-length"));
}

function parseLength(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\d{1,15}$/.test(value.trim())) throw new S3Error("InvalidArgument", `Invalid length "${value.slice(0, 40)}"`);
  return Number(value);
}

function checkSha256(hasher: Hasher, claimed: string): void {
  const computed = toHex(hasher.digest());
  if (computed !== claimed) {
    throw new S3Error("XAmzContentSHA256Mismatch", undefined, {
      ClientComputedContentSHA256: claimed,
      S3ComputedContentSHA256: computed,
    });
  }
}

/**
 * Pull-driven (the network is read only as fast as the consumer reads), holding back one piece:
 * each piece is released when the next one arrives, the last one only after `finish` passed.
 */
function verifiedStream(
  source: ReadableStream<Uint8Array> | null,
  checks: PayloadChecks,
  verified: (values: ChecksumValues) => void,
): ReadableStream<Uint8Array> {
  const reader = source?.getReader();
  let held: Uint8Array | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            const next = reader ? await reader.read() : { done: true as const, value: undefined };
            if (next.done) {
              verified(checks.finish());
              if (held) controller.enqueue(held);
              held = undefined;
              controller.close();
              return;
            }
            let released = false;
            checks.write(next.value, (piece) => {
              if (held) {
                controller.enqueue(held);
                released = true;
              }
              held = piece;
            });
            if (released) return;
          }
        } catch (e) {
          held = undefined;
          reader?.cancel(e).catch(() => {});
          throw e;
        }
      },
      cancel(reason) {
        return reader?.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
