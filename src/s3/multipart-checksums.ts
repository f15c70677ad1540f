// The checksum of a multipart object, from its parts' verified checksums, as S3 computes it:
// * COMPOSITE:   the algorithm over the concatenated binary part checksums, base64, then "-N"
//                (the only kind for SHA-1/SHA-256, the default for CRC32/CRC32C);
// * FULL_OBJECT: the checksum of the whole object, combined from the part CRCs without reading a byte
//                (the only kind for CRC64NVME, on request for CRC32/CRC32C).
import { combineCrcs } from "../hash/crc-combine.ts";
import { digest } from "../hash/hashing.ts";
import { concatBytes, fromBase64, toBase64 } from "../util/bytes.ts";
import { S3Error } from "./errors.ts";
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, checksumHeaderName } from "./payload/checksums.ts";

export type ChecksumType = "COMPOSITE" | "FULL_OBJECT";

export interface UploadChecksum {
  algorithm?: ChecksumAlgorithm;
  type?: ChecksumType;
}

const isCrc = (alg: ChecksumAlgorithm): alg is "crc32" | "crc32c" | "crc64nvme" => alg.startsWith("crc");
const defaultType = (alg: ChecksumAlgorithm): ChecksumType => (alg === "crc64nvme" ? "FULL_OBJECT" : "COMPOSITE");

/** The XML element S3 uses for an algorithm's checksum: ChecksumCRC32, ChecksumCRC64NVME, ... */
export const checksumElement = (alg: ChecksumAlgorithm): string => `Checksum${alg.toUpperCase()}`;

/** CreateMultipartUpload: x-amz-checksum-algorithm and x-amz-checksum-type, checked against each other. */
export function uploadChecksum(headers: Headers): UploadChecksum {
  const rawAlg = headers.get("x-amz-checksum-algorithm")?.trim().toLowerCase();
  const rawType = headers.get("x-amz-checksum-type")?.trim().toUpperCase();
  const algorithm = rawAlg ? CHECKSUM_ALGORITHMS.find((a) => a === rawAlg) : undefined;
  if (rawAlg && !algorithm) throw new S3Error("InvalidRequest", `Checksum algorithm ${rawAlg} is not supported.`);
  if (rawType && rawType !== "COMPOSITE" && rawType !== "FULL_OBJECT") throw new S3Error("InvalidRequest", `Value for x-amz-checksum-type header is invalid.`);
  const type = rawType as ChecksumType | undefined;
  if (type && !algorithm) throw new S3Error("InvalidRequest", "x-amz-checksum-type needs x-amz-checksum-algorithm.");
  if (algorithm && type && type !== defaultType(algorithm) && !(isCrc(algorithm) && algorithm !== "crc64nvme")) {
    throw new S3Error("InvalidRequest", `The ${type} checksum type cannot be used with the ${algorithm.toUpperCase()} checksum algorithm.`);
  }
  return { algorithm, type: algorithm ? (type ?? defaultType(algorithm)) : undefined };
}

/** Response headers of CreateMultipartUpload that echo the choice. */
export function uploadChecksumHeaders(upload: UploadChecksum): Record<string, string> {
  return upload.algorithm ? { "x-amz-checksum-algorithm": upload.algorithm.toUpperCase(), "x-amz-checksum-type": upload.type! } : {};
}

export interface CompletedChecksum {
  algorithm: ChecksumAlgorithm;
  type: ChecksumType;
  /** base64, with "-N" for COMPOSITE */
  value: string;
}

/**
 * The object's checksum at CompleteMultipartUpload; undefined when some part has no checksum of the
 * algorithm (a part copied with UploadPartCopy, or an upload that asked for none and got mixed parts).
 * A FULL_OBJECT value the client sends as x-amz-checksum-<alg> on Complete is verified (BadDigest).
 */
export function completedChecksum(
  upload: UploadChecksum,
  parts: ReadonlyArray<{ size: number; checksums?: Record<string, string> }>,
  headers: Headers,
): CompletedChecksum | undefined {
  // Without a declared algorithm, use one every part was verified with (clients that send checksums anyway).
  const algorithm = upload.algorithm ?? CHECKSUM_ALGORITHMS.find((alg) => parts.every((p) => p.checksums?.[alg]));
  if (!algorithm || !parts.every((p) => p.checksums?.[algorithm])) return undefined;
  const type = upload.algorithm ? (upload.type ?? defaultType(algorithm)) : defaultType(algorithm);
  const partDigests = parts.map((p) => fromBase64(p.checksums![algorithm]));
  let value: string;
  if (type === "FULL_OBJECT" && isCrc(algorithm)) {
    value = toBase64(combineCrcs(algorithm, parts.map((p, i) => ({ crc: partDigests[i], length: p.size }))));
    const given = headers.get(checksumHeaderName(algorithm));
    if (given !== null && given.trim() !== value) {
      throw new S3Error("BadDigest", `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
    }
  } else {
    value = `${toBase64(digest(algorithm, concatBytes(partDigests)))}-${parts.length}`;
  }
  return { algorithm, type, value };
}
