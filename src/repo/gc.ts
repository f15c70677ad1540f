// gc: mark what the refs reach, then rewrite sparse packs (copy their live blobs to the active pack,
// make the copies durable, delete the old pack and its index). It runs while the store serves.
//
// Protocol (why nothing reachable is lost):
// 0. Stalled multipart uploads (started longer ago than uploadMaxAgeMs) are aborted, as AbortMultipartUpload
//    would: their part refs go, so chunks nothing else names are garbage for the mark below.
// 1. beginGc() seals the active pack and starts recording every blob that is reused (put again, or retained
//    by a write that names an existing manifest and its chunks). Every blob written from then on lands in a
//    pack at or above the boundary, which this round never touches.
// 2. Mark: walk everything reachable from the refs of both the latest and the durable view at that moment.
//    A ref changed later can only name blobs that were (a) reachable then, (b) written later, or (c) reused
//    later, and (c) is recorded in `touched`.
// 3. Packs below the boundary whose live share (marked or touched) is under minLiveFraction, and that were
//    last written longer than minAgeMs ago (so uploads still streaming chunks in are not raced), are swept:
//    live blobs are copied to the active pack; the copies are fsynced; then, in one synchronous step that no
//    reader or writer can interleave with, the touched set is checked once more (copying again if anything
//    new was reused) and the pack leaves the index and is deleted. Readers look up the newest copy first,
//    so they switch to the copy the moment it exists.
// 4. A crash at any point leaves either the old pack or a durable copy (or both: duplicates are harmless).
import { RemoteStore } from "../store/remote-store.ts";
import { collectRemote } from "../store/remote-gc.ts";
import { LocalStore, retryOnConflict, type Store } from "../store/store.ts";
import { stalledUploadRemovals } from "./multipart.ts";
import { walkReachable } from "./reachability.ts";
import type { History } from "./purges.ts";

export interface GcOptions {
  /** Packs with less than this share of live bytes are rewritten (1 rewrites every pack with any garbage). */
  minLiveFraction?: number;
  /** Packs written to more recently than this are left for a later round. */
  minAgeMs?: number;
  /** Multipart uploads started longer ago than this are stalled: gc aborts them first. */
  uploadMaxAgeMs?: number;
}

export interface GcReport {
  reachable: number;
  packsSwept: number;
  blobsCopied: number;
  bytesBefore: number;
  bytesAfter: number;
  /** packs that could not be swept because a live blob in them is damaged (fsck names it) */
  skipped: Array<{ pack: number | string; reason: string }>;
  /** sealed packs left for a later round because they were written within the last `minAgeMs` */
  tooYoung: number;
  minAgeMs: number;
  /** stalled multipart uploads aborted (started more than `uploadMaxAgeMs` ago) */
  uploadsAborted: number;
  uploadMaxAgeMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Free space a sweep leaves beyond the copies it makes (their record framing, the pack index, the journal). */
const COPY_HEADROOM = 1024 * 1024;

export const DEFAULT_GC: Required<GcOptions> = { minLiveFraction: 0.5, minAgeMs: 10 * 60 * 1000, uploadMaxAgeMs: 7 * DAY_MS };

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** `history`: the server's purge index reader (and its cache), for the walk's purge checks. */
export async function collectGarbage(store: Store, history: History, options: GcOptions = {}): Promise<GcReport> {
  const minLiveFraction = options.minLiveFraction ?? DEFAULT_GC.minLiveFraction;
  const minAgeMs = options.minAgeMs ?? DEFAULT_GC.minAgeMs;
  const uploadMaxAgeMs = options.uploadMaxAgeMs ?? DEFAULT_GC.uploadMaxAgeMs;
  // Before the mark, so the chunks only stalled uploads held are garbage in this very round.
  const stalled = await retryOnConflict(store, async () => {
    const found = stalledUploadRemovals(store.refs, Date.now() - uploadMaxAgeMs);
    if (found.changes.length) await store.commit(found.changes);
    return found;
  });
  const uploads = { uploadsAborted: stalled.uploads, uploadMaxAgeMs };
  if (store instanceof RemoteStore) {
    const report = await collectRemote(store, async () => (await walkReachable(store, history)).reached, { minLiveFraction, graceMs: minAgeMs });
    return { ...report, tooYoung: 0, minAgeMs, ...uploads };
  }
  if (!(store instanceof LocalStore)) throw new Error("gc: unknown store");
  const blobs = store.blobs;
  const bytesBefore = blobs.stats().bytes;
  const { boundary, touched } = blobs.beginGc();
  const report: GcReport = { reachable: 0, packsSwept: 0, blobsCopied: 0, bytesBefore, bytesAfter: bytesBefore, skipped: [], tooYoung: 0, minAgeMs, ...uploads };
  try {
    const { reached } = await walkReachable(store, history);
    report.reachable = reached.size;
    const isLive = (hash: string) => reached.has(hash) || touched.has(hash);
    const startedAt = Date.now();
    const sweep: Array<{ seq: number; liveBytes: number }> = [];
    for (const pack of blobs.sealedPacks()) {
      if (pack.seq >= boundary) continue;
      if (pack.written > startedAt - minAgeMs) {
        report.tooYoung++;
        continue;
      }
      const entries = blobs.packEntries(pack.seq);
      let liveBytes = 0;
      for (const [hash, loc] of entries) if (isLive(hash)) liveBytes += loc.length;
      if (liveBytes >= pack.bytes * minLiveFraction && liveBytes > 0) continue;
      sweep.push({ seq: pack.seq, liveBytes });
    }
    // Fewest live bytes first: on a full disk, packs with nothing live free space without needing any, and
    // make room for copying the others' live blobs. A pack whose copies would not fit waits for a later round.
    sweep.sort((a, b) => a.liveBytes - b.liveBytes);
    for (const pack of sweep) {
      if (pack.liveBytes > 0 && pack.liveBytes + COPY_HEADROOM > blobs.freeBytes()) {
        report.skipped.push({ pack: pack.seq, reason: `copying its ${pack.liveBytes} live bytes needs more free disk space than is left` });
        continue;
      }
      const entries = blobs.packEntries(pack.seq);
      try {
        // Copy until a synchronous re-check finds nothing live left only in this pack, then drop it in that same step.
        for (;;) {
          const stranded = entries.filter(([hash]) => isLive(hash) && blobs.where(hash)?.pack === pack.seq);
          if (stranded.length === 0) {
            blobs.dropPack(pack.seq);
            break;
          }
          for (const [hash] of stranded) blobs.relocate(hash);
          report.blobsCopied += stranded.length;
          await store.flush();
        }
        report.packsSwept++;
      } catch (err) {
        report.skipped.push({ pack: pack.seq, reason: (err as Error).message });
      }
      await tick();
    }
  } finally {
    blobs.endGc();
  }
  report.bytesAfter = blobs.stats().bytes;
  return report;
}
