// Checksums of the store's own records, as the numbers the formats write: CRC32C for the ref journal, sealed
// indexes and STRPACK1 packs, CRC32 (zlib's) for STRPACK2 packs (see pack-format.ts).
import { createHasher } from "../hash/hashing.ts";

/** The CRC of the parts, taken in order as one byte string. */
export function crcOf(alg: "crc32" | "crc32c", ...parts: Uint8Array[]): number {
  const h = createHasher(alg);
  for (const p of parts) h.update(p);
  const d = h.digest();
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
}

/** The checksum of a ref journal record or a sealed index file. */
export const recordChecksum = (bytes: Uint8Array): number => crcOf("crc32c", bytes);
