// Reads a pack file front to back, yielding its records; tells where the valid data ends (torn tail).
import * as fs from "node:fs";
import { toHex } from "../util/bytes.ts";
import {
  type BlobKind,
  bodyChecksum,
  HASH_BYTES,
  kindName,
  MAGIC_BYTES,
  PACK_VERSION,
  type PackVersion,
  packVersion,
  RECORD_HEAD,
  RECORD_OVERHEAD,
} from "./pack-format.ts";

export interface ScannedRecord {
  hash: string;
  kind: BlobKind;
  offset: number; // of the payload
  length: number;
  intact: boolean; // checksum matched
}

export interface ScanResult {
  records: ScannedRecord[];
  /** Offset just past the last record that could be framed; what follows is a torn tail. */
  end: number;
  /** Byte ranges that could not be framed at all (damaged lengths); their blobs are lost. */
  unreadable: Array<[number, number]>;
  /** The pack's version (from its magic; the current one when the file has no valid magic). */
  version: PackVersion;
  /** The payload bytes of a scanned record. */
  payload(record: ScannedRecord): Uint8Array;
}

const MAX_RECORD = 64 * 1024 * 1024;

/**
 * Frames records by their length prefix. A record whose checksum fails is reported (not intact) when the
 * record after it frames cleanly; otherwise the scanner searches forward for the next clean record, and
 * when there is none, what remains is a torn tail.
 */
export function scanPack(path: string, upTo?: number): ScanResult {
  const file = fs.readFileSync(path);
  return scanPackBytes(new Uint8Array(file.buffer, file.byteOffset, Math.min(file.byteLength, upTo ?? Infinity)));
}

/** scanPack over a pack's bytes in memory (a pack object fetched from an object store). */
export function scanPackBytes(bytes: Uint8Array): ScanResult {
  const payload = (r: ScannedRecord) => bytes.subarray(r.offset, r.offset + r.length);
  const records: ScannedRecord[] = [];
  const unreadable: Array<[number, number]> = [];
  const version = packVersion(bytes);
  if (version === undefined) return { records, end: 0, unreadable, version: PACK_VERSION, payload };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const frame = (at: number): { size: number; intact: boolean } | undefined => {
    if (at + RECORD_OVERHEAD > bytes.length) return undefined;
    const body = view.getUint32(at, true);
    if (body < 1 + HASH_BYTES || body > MAX_RECORD + 1 + HASH_BYTES || at + 4 + body + 4 > bytes.length) return undefined;
    if (!kindName(bytes[at + 4])) return undefined;
    const intact = view.getUint32(at + 4 + body, true) === bodyChecksum(version, bytes.subarray(at + 4, at + 4 + body));
    return { size: 4 + body + 4, intact };
  };
  const push = (at: number, size: number, intact: boolean) =>
    records.push({
      hash: toHex(bytes.subarray(at + 5, at + 5 + HASH_BYTES)),
      kind: kindName(bytes[at + 4]) as BlobKind,
      offset: at + RECORD_HEAD,
      length: size - RECORD_OVERHEAD,
      intact,
    });

  let at = MAGIC_BYTES;
  while (at < bytes.length) {
    const rec = frame(at);
    if (rec?.intact) {
      push(at, rec.size, true);
      at += rec.size;
      continue;
    }
    if (rec && frame(at + rec.size)?.intact) {
      push(at, rec.size, false); // damaged payload, intact framing
      at += rec.size;
      continue;
    }
    const next = resync(at + 1, frame, bytes.length);
    if (next === undefined) break; // torn tail: nothing valid follows
    unreadable.push([at, next]);
    at = next;
  }
  return { records, end: at, unreadable, version, payload };
}

function resync(from: number, frame: (at: number) => { intact: boolean } | undefined, size: number): number | undefined {
  for (let at = from; at + RECORD_OVERHEAD <= size; at++) if (frame(at)?.intact) return at;
  return undefined;
}
