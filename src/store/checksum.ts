// The record checksum of packs and the ref journal: CRC32C (from the hashing core).
import { digest } from "../hash/hashing.ts";

export function recordChecksum(bytes: Uint8Array): number {
  const d = digest("crc32c", bytes);
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
}
