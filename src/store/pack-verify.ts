// Verifies every record of every pack: framing, record checksum (CRC32C or CRC32 by pack version), and that the SHA-256 of the payload is
// the hash the record claims. Also checks that each sealed index agrees with its pack.
import { digest } from "../hash/hashing.ts";
import { toHex } from "../util/bytes.ts";
import type { BlobStore } from "./blob-store.ts";
import type { BlobKind } from "./pack-format.ts";
import { type ScanResult, scanPack } from "./pack-scan.ts";

export interface DamagedRecord {
  /** the pack's number (embedded) or object name (distributed) */
  pack: number | string;
  /** offset of the payload (or of the unreadable range) in the pack file */
  offset: number;
  /** the hash the record claims; absent when the bytes could not be framed at all */
  hash?: string;
  kind?: BlobKind;
  problem: "checksum" | "hash-mismatch" | "unreadable" | "index-mismatch";
}

export interface PackReport {
  packs: number;
  records: number;
  bytes: number;
  damaged: DamagedRecord[];
}

export async function verifyPacks(blobs: BlobStore): Promise<PackReport> {
  const report: PackReport = { packs: 0, records: 0, bytes: 0, damaged: [] };
  for (const file of blobs.packFiles()) {
    report.packs++;
    report.bytes += file.size;
    const intact = verifyScan(file.seq, scanPack(file.path, file.size), file.size, report);
    if (file.sealed) {
      for (const [hash, loc] of blobs.packEntries(file.seq)) {
        if (intact.get(hash) !== loc.offset && !report.damaged.some((d) => d.pack === file.seq && d.hash === hash)) {
          report.damaged.push({ pack: file.seq, offset: loc.offset, hash, kind: loc.kind, problem: "index-mismatch" });
        }
      }
    }
    await new Promise((resolve) => setImmediate(resolve)); // let a serving process breathe between packs
  }
  return report;
}

/** Checks one scanned pack's records into the report; returns the intact ones' payload offsets by hash. */
export function verifyScan(pack: number | string, scan: ScanResult, size: number, report: PackReport): Map<string, number> {
  const intact = new Map<string, number>();
  for (const r of scan.records) {
    report.records++;
    if (!r.intact) {
      report.damaged.push({ pack, offset: r.offset, hash: r.hash, kind: r.kind, problem: "checksum" });
      continue;
    }
    if (toHex(digest("sha256", scan.payload(r))) !== r.hash) {
      report.damaged.push({ pack, offset: r.offset, hash: r.hash, kind: r.kind, problem: "hash-mismatch" });
      continue;
    }
    intact.set(r.hash, r.offset);
  }
  for (const [from] of scan.unreadable) report.damaged.push({ pack, offset: from, problem: "unreadable" });
  if (scan.end < size) report.damaged.push({ pack, offset: scan.end, problem: "unreadable" });
  return intact;
}
