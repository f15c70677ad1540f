// Turns a request body into the object's bytes: removes the framing x-amz-content-sha256 announces,
// verifies every signature, hash, length and checksum the client vouched for, and streams.
//
// Contract with the consumer (the store): the returned stream errors with an S3Error instead of
// closing when any check fails, and the last piece of data is held back until every check passed.
// So a consumer that commits only when the stream closes commits nothing that was not verified.
import { createHasher, type Hasher } from "../../hash/hashing.ts";
import { toHex } from "../../util/bytes.ts";
import type { AuthResult } from "../auth/types.ts";
import { S3Error } from "../errors.ts";
import { AwsChunkedDecoder } from "./aws-chunked.ts";
import { ChunkSignatureChain } from "./chunk-signatures.ts";
import { type ChecksumAlgorithm, checksumRequest, type ChecksumValues, ChecksumVerifier } from "./checksums.ts";
import { payloadMode } from "./content-sha256.ts";

export interface DecodedPayload {
  /** The object's bytes. Errors with an S3Error (never closes) when a check fails; see above. */
  readonly body: ReadableStream<Uint8Array>;
  /** The object's size as declared (x-amz-decoded-content-length, else Content-Length), if any. */
  readonly declaredLength: number | undefined;
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

/**
 * Checks the headers at once (throws S3Error: InvalidArgument, NotImplemented, InvalidRequest,
 * InvalidDigest, MissingContentLength); all body checks happen while `body` is read.
 */
export function decodePayload(
  headers: Headers,
  body: ReadableStream<Uint8Array> | null,
  auth: AuthResult,
  options: DecodeOptions = {},
): DecodedPayload {
  const mode = payloadMode(headers.get("x-amz-content-sha256"));
  const chunked = mode.framing === "aws-chunked";
  let decoder: AwsChunkedDecoder | undefined;
  if (mode.framing === "aws-chunked") {
    let chain: ChunkSignatureChain | undefined;
    if (mode.signed) {
      if (auth.kind !== "signed" || (auth.scheme !== "v4-header" && auth.scheme !== "v4-query")) {
        throw new S3Error("InvalidRequest", "A STREAMING-AWS4-HMAC-SHA256-PAYLOAD body needs a SigV4-signed request.");
      }
      chain = new ChunkSignatureChain(auth.v4);
    }
    decoder = new AwsChunkedDecoder(chain, mode.trailer);
  }
  const checksums = new ChecksumVerifier(checksumRequest(headers, mode.framing === "aws-chunked" && mode.trailer), options.compute);
  const sha256 = mode.framing === "plain" && mode.sha256 ? createHasher("sha256") : undefined;
  const declaredLength = parseLength(headers.get(chunked ? "x-amz-decoded-content-length" : "content-length"));

  let received = 0;
  let values: ChecksumValues | undefined;

  const accept = (piece: Uint8Array) => {
    received += piece.length;
    if (declaredLength !== undefined && received > declaredLength) {
      throw new S3Error("InvalidRequest", "The body holds more bytes than its declared length.");
    }
    checksums.update(piece);
    sha256?.update(piece);
  };

  const finish = () => {
    const trailers = decoder ? decoder.end() : new Map<string, string>();
    if (declaredLength !== undefined && received < declaredLength) throw new S3Error("IncompleteBody");
    if (sha256) checkSha256(sha256, mode.framing === "plain" ? mode.sha256! : "");
    values = checksums.finish(trailers);
  };

  return {
    body: verifiedStream(body, decoder, accept, finish),
    declaredLength,
    checksums() {
      if (!values) throw new Error("checksums() called before the payload was fully read and verified");
      return values;
    },
  };
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
  decoder: AwsChunkedDecoder | undefined,
  accept: (piece: Uint8Array) => void,
  finish: () => void,
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
              finish();
              if (held) controller.enqueue(held);
              held = undefined;
              controller.close();
              return;
            }
            let released = false;
            const take = (piece: Uint8Array) => {
              if (piece.length === 0) return;
              accept(piece);
              if (held) {
                controller.enqueue(held);
                released = true;
              }
              held = piece;
            };
            if (decoder) decoder.write(next.value, take);
            else take(next.value);
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
