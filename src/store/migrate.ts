// Copies an embedded store (packs + journal) into a distributed one, history included. Blobs go first, in packs
// of ~64 MiB, each pack indexed once uploaded; blobs the target already has (asked in pages of PAGE hashes, one query
// each) are skipped, so a run that was killed resumes where it stopped. Refs go last, in one transaction: until then the target shows nothing of the copy.
import { fromHex } from "../util/bytes.ts";
import type { BlobKind } from "./pack-format.ts";
import type { RemoteStore } from "./remote-store.ts";
import type { LocalStore } from "./store.ts";

export interface MigrateReport {
  blobs: number;
  copied: number;
  skipped: number;
  bytesCopied: number;
  refs: number;
}

const FLUSH_BYTES = 64 << 20;
const PAGE = 1000;

export async function migrateStore(from: LocalStore, to: RemoteStore, progress?: (r: MigrateReport) => void): Promise<MigrateReport> {
  const report: MigrateReport = { blobs: 0, copied: 0, skipped: 0, bytesCopied: 0, refs: 0 };
  let unflushed = 0;
  const copy = async (page: Array<[string, BlobKind]>) => {
    const there = await to.blobs.present(page.map(([hash]) => hash));
    for (const [hash, kind] of page) {
      report.blobs++;
      if (there.has(hash)) {
        report.skipped++;
        continue;
      }
      const payload = from.blobs.get(hash); // verified on the way: a damaged source blob stops the copy
      to.blobs.putDigested(kind, payload, fromHex(hash), true);
      report.copied++;
      report.bytesCopied += payload.length;
      unflushed += payload.length;
      if (unflushed >= FLUSH_BYTES) {
        await to.flush();
        unflushed = 0;
        progress?.(report);
      }
    }
  };
  let page: Array<[string, BlobKind]> = [];
  for (const [hash, loc] of from.blobs.entries()) {
    page.push([hash, loc.kind]);
    if (page.length === PAGE) {
      await copy(page);
      page = [];
    }
  }
  await copy(page);
  await to.flush();
  const refs = from.refs.list("", "durable");
  report.refs = refs.length;
  await to.commit(refs.map(([key, value]) => ({ key, value })));
  progress?.(report);
  return report;
}
