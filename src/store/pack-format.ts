// On-disk layout of pack files and their index files (docs/format.md, "Packs" and "Pack indexes").
//
// pack   = magic record*
// record = u32 LE bodyLength | body | u32 LE checksum(body)
// body   = u8 kind | 32-byte SHA-256 of payload | payload
// magic "STRPACK2": checksum = CRC32 (IEEE, as zlib), native in every runtime we run on: ~18 GB/s.
// magic "STRPACK1": checksum = CRC32C, which only our WASM core computes (~1.8 GB/s); such packs,
//   written before FORMAT 2, stay readable and take appends, new packs are always STRPACK2.
//
// idx   = "STRIDX01" u32 LE count | entry* (sorted by hash) | u32 LE crc32c(everything before)
// entry = 32-byte hash | u64 LE payload offset | u32 LE payload length | u8 kind
import { crcOf } from "./checksum.ts";

/** Pack versions by their magic; the last is the one new packs get. */
export const PACK_MAGICS = [new TextEncoder().encode("STRPACK1"), new TextEncoder().encode("STRPACK2")];
export type PackVersion = 1 | 2;
export const PACK_VERSION: PackVersion = 2;
export const PACK_MAGIC = PACK_MAGICS[PACK_VERSION - 1];
export const MAGIC_BYTES = 8;
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

/** The version a pack's first bytes declare, or undefined when they are no pack magic. */
export function packVersion(head: Uint8Array): PackVersion | undefined {
  if (head.length < MAGIC_BYTES) return undefined;
  const i = PACK_MAGICS.findIndex((m) => m.every((b, j) => head[j] === b));
  return i < 0 ? undefined : ((i + 1) as PackVersion);
}

/** The record checksum of a pack version over the body, given in consecutive parts (no concatenation). */
export function bodyChecksum(version: PackVersion, ...parts: Uint8Array[]): number {
  return crcOf(version === 1 ? "crc32c" : "crc32", ...parts);
}

/**
 * A record as the three pieces written with one writev: head (length, kind, hash), the caller's payload
 * untouched, and the checksum trailer. Copying a multi-MiB payload into one record buffer cost more
 * than the write itself.
 */
export function encodeRecord(version: PackVersion, kind: BlobKind, hash: Uint8Array, payload: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  // Bytes set one by one: a DataView over a fresh array made the engine materialise its ArrayBuffer, a
  // measurable cost at several records per small PUT.
  const head = new Uint8Array(RECORD_HEAD);
  putUint32LE(head, 0, 1 + HASH_BYTES + payload.length);
  head[4] = kindCode(kind);
  head.set(hash, 5);
  const tail = new Uint8Array(4);
  putUint32LE(tail, 0, bodyChecksum(version, head.subarray(4), payload));
  return [head, payload, tail];
}

function putUint32LE(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
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
