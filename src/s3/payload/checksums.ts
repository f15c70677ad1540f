// Checksums a client vouches for: Content-MD5 and x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256},
// given as headers or announced in x-amz-trailer and sent as trailers. Computed while the body streams,
// compared at its end (BadDigest), and returned base64-encoded, as S3 stores and returns them.
import { createHasher, type Hasher } from "../../hash/hashing.ts";
import { equalBytes, fromBase64, toBase64 } from "../../util/bytes.ts";
import { S3Error } from "../errors.ts";

export const CHECKSUM_ALGORITHMS = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
/** Base64 checksum values by algorithm, e.g. { crc32: "DUoRhQ==" }. */
export type ChecksumValues = Partial<Record<ChecksumAlgorithm, string>>;

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32 };

export const checksumHeaderName = (alg: ChecksumAlgorithm): string => `x-amz-checksum-${alg}`;

function algorithmOfHeader(name: string): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((alg) => checksumHeaderName(alg) === name);
}

/** Base64 of exactly `bytes` bytes, or undefined. */
function decodeBase64Digest(value: string, bytes: number): Uint8Array | undefined {
  if (value.length !== 4 * Math.ceil(bytes / 3) || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const decoded = fromBase64(value);
  return decoded.length === bytes ? decoded : undefined;
}

function parseChecksum(alg: ChecksumAlgorithm, value: string): Uint8Array {
  const digest = decodeBase64Digest(value, DIGEST_BYTES[alg]);
  if (!digest) throw new S3Error("InvalidRequest", `Value for ${checksumHeaderName(alg)} header is invalid.`);
  return digest;
}

export interface ChecksumRequest {
  /** Checksums given as headers, decoded. */
  headers: Map<ChecksumAlgorithm, Uint8Array>;
  /** Checksums announced by x-amz-trailer, to be read from the trailers. */
  trailers: Set<ChecksumAlgorithm>;
  /** Content-MD5, decoded. */
  md5?: Uint8Array;
}

/** Reads and validates what the request headers promise (InvalidDigest, InvalidRequest on bad values). */
export function checksumRequest(headers: Headers, trailersAllowed: boolean): ChecksumRequest {
  const request: ChecksumRequest = { headers: new Map(), trailers: new Set() };
  const md5 = headers.get("content-md5");
  if (md5 !== null) {
    request.md5 = decodeBase64Digest(md5.trim(), 16);
    if (!request.md5) throw new S3Error("InvalidDigest");
  }
  for (const alg of CHECKSUM_ALGORITHMS) {
    const value = headers.get(checksumHeaderName(alg));
    if (value !== null) request.headers.set(alg, parseChecksum(alg, value.trim()));
  }
  const announced = headers.get("x-amz-trailer");
  if (announced !== null && announced.trim() !== "") {
    if (!trailersAllowed) {
      throw new S3Error("InvalidRequest", "x-amz-trailer needs an x-amz-content-sha256 of STREAMING-UNSIGNED-PAYLOAD-TRAILER or STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.");
    }
    for (const name of announced.split(",")) {
      const alg = algorithmOfHeader(name.trim().toLowerCase());
      if (!alg) throw new S3Error("InvalidRequest", `Unsupported trailer "${name.trim()}": only x-amz-checksum-* trailers are accepted.`);
      request.trailers.add(alg);
    }
  }
  if (request.headers.size + request.trailers.size > 1) {
    throw new S3Error("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  }
  return request;
}

export class ChecksumVerifier {
  private readonly hashers = new Map<ChecksumAlgorithm, Hasher>();
  private readonly md5: Hasher | undefined;

  /** @param compute algorithms to compute even when the client gave no value (e.g. a default CRC64NVME) */
  constructor(
    private readonly request: ChecksumRequest,
    compute: readonly ChecksumAlgorithm[] = [],
  ) {
    for (const alg of [...request.headers.keys(), ...request.trailers, ...compute]) {
      if (!this.hashers.has(alg)) this.hashers.set(alg, createHasher(alg));
    }
    if (request.md5) this.md5 = createHasher("md5");
  }

  update(data: Uint8Array): void {
    for (const h of this.hashers.values()) h.update(data);
    this.md5?.update(data);
  }

  /** Compares with what the client gave (headers and `trailers`); returns every checksum computed. */
  finish(trailers: Map<string, string>): ChecksumValues {
    if (this.md5 && !equalBytes(this.md5.digest(), this.request.md5!)) throw new S3Error("BadDigest");
    for (const name of trailers.keys()) {
      const alg = algorithmOfHeader(name);
      if (!alg || !this.request.trailers.has(alg)) throw new S3Error("InvalidRequest", `Trailer ${name} was not announced in x-amz-trailer.`);
    }
    const values: ChecksumValues = {};
    for (const [alg, hasher] of this.hashers) {
      const computed = hasher.digest();
      let given = this.request.headers.get(alg);
      if (this.request.trailers.has(alg)) {
        const value = trailers.get(checksumHeaderName(alg));
        if (value === undefined) throw new S3Error("IncompleteBody", `The trailer ${checksumHeaderName(alg)} announced in x-amz-trailer was not sent.`);
        given = parseChecksum(alg, value);
      }
      if (given && !equalBytes(computed, given)) {
        throw new S3Error("BadDigest", `The ${alg.toUpperCase()} you specified did not match the calculated checksum.`);
      }
      values[alg] = toBase64(computed);
    }
    return values;
  }
}
