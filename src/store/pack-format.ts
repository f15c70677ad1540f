// On-disk layout of pack files and their index files. See README "Data directory format".
//
// pack  = "STRPACK1" record*
// record = u32 LE bodyLength | body | u32 LE crc32c(body)
// body   = u8 kind | 32-byte SHA-256 of payload | payload
//
// idx   = "STRIDX01" u32 LE count | entry* (sorted by hash) | u32 LE crc32c(everything before)
// entry = 32-byte hash | u64 LE payload offset | u32 LE payload length | u8 kind
import { recordChecksum } from "./checksum.ts";

export const PACK_MAGIC = new TextEncoder().encode("STRPACK1");
export const IDX_MAGIC = new TextEncoder().encode("STRIDX01");
export const HASH_BYTES = 32;
/** length prefix + kind + hash */
export const RECORD_HEAD = 4 + 1 + HASH_BYTES;
export const RECORD_OVERHEAD = RECORD_HEAD + 4;
export const IDX_ENTRY = HASH_BYTES + 8 + 4 + 1;

export const BLOB_KINDS = ["chunk", "manifest", "tree", "commit", "version", "part"] as const;
export type BlobKind = (typeof BLOB_KINDS)[number];
export const kindCode = (kind: BlobKind): number => BLOB_KINDS.indexOf(kind) + 1;
export function kindName(code: number): BlobKind | undefined {
  return BLOB_KINDS[code - 1];
}

export function encodeRecord(kind: BlobKind, hash: Uint8Array, payload: Uint8Array): Uint8Array {
  const bodyLength = 1 + HASH_BYTES + payload.length;
  const out = new Uint8Array(4 + bodyLength + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, bodyLength, true);
  out[4] = kindCode(kind);
  out.set(hash, 5);
  out.set(payload, RECORD_HEAD);
  view.setUint32(4 + bodyLength, recordChecksum(out.subarray(4, 4 + bodyLength)), true);
  return out;
}

/** Where a payload lives: the pack it is in, its offset in that file, its length and kind. */
export interface BlobLocation {
  pack: number;
  offset: number;
  length: number;
  kind: BlobKind;
}

export const packName = (seq: number): string => `${String(seq).padStart(8, "0")}.pack`;
export const idxName = (seq: number): string => `${String(seq).padStart(8, "0")}.idx`;
