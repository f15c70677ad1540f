// gc and pack verification on the distributed store.
//
// gc (one gateway at a time: PostgreSQL advisory lock) — why nothing a write needs is lost:
// * Every blob row carries `touched`: set when the blob is indexed and again by every flush whose refs name it
//   while reusing it (put of an existing blob, or retain() of a copied manifest and its chunks). A flush that
//   reuses a blob fails (503) if that row was collected, inside the same transaction as its refs.
// * A blob is garbage only if the mark (everything reachable from PostgreSQL's refs after T0) missed it AND it
//   was last touched before T0 - grace. A write in flight on another gateway touches what it reuses when it
//   commits; one that takes longer than the grace period to commit is the only case this cannot cover, so the
//   grace period (default 10 minutes) must exceed the longest upload.
// * Sweeping a pack: its live blobs are copied into a new pack object (uploaded first), their rows moved to it and
//   the dead ones tombstoned in one transaction, so rows always point at existing objects. The old object is
//   retired, and deleted only by a later round once retired longer than the grace period: a gateway still reading
//   from an old location meanwhile reads intact bytes. Small packs (one per group flush) are compacted the same way.
// * Killed midway: every step is a committed transaction or an idempotent object PUT/DELETE; objects left without a
//   pack row (uploaded, never indexed) are deleted by a later round once older than the grace period.
import { digest } from "../hash/hashing.ts";
import { fromHex, randomHex, toHex } from "../util/bytes.ts";
import { BlobCorruptError } from "./blob-store.ts";
import { encodeRecord, kindName, MAGIC_BYTES, PACK_MAGIC, PACK_VERSION, RECORD_HEAD, RECORD_OVERHEAD } from "./pack-format.ts";
import { scanPackBytes } from "./pack-scan.ts";
import { type PackReport, verifyScan } from "./pack-verify.ts";
import { PACKS_DIR } from "./remote-blobs.ts";
import type { RemoteStore } from "./remote-store.ts";

export interface RemoteGcOptions {
  minLiveFraction: number;
  graceMs: number;
  /** packs smaller than this are compacted into bigger ones */
  smallPackBytes?: number;
  /** new packs are cut at this size */
  packBytes?: number;
}

export interface RemoteGcReport {
  reachable: number;
  packsSwept: number;
  blobsCopied: number;
  bytesBefore: number;
  bytesAfter: number;
  skipped: Array<{ pack: string; reason: string }>;
  /** retired or orphaned pack objects deleted from the bucket */
  objectsDeleted: number;
  /** false when another gateway's gc held the lock */
  ran: boolean;
}

interface PackRow {
  name: string;
  bytes: number;
}

export async function collectRemote(store: RemoteStore, mark: () => Promise<Set<string>>, options: RemoteGcOptions): Promise<RemoteGcReport> {
  const { minLiveFraction, graceMs } = options;
  const smallPack = options.smallPackBytes ?? 4 << 20;
  const packLimit = options.packBytes ?? 64 << 20;
  const sql = store.meta.sql;
  const report: RemoteGcReport = { reachable: 0, packsSwept: 0, blobsCopied: 0, bytesBefore: 0, bytesAfter: 0, skipped: [], objectsDeleted: 0, ran: false };
  const ran = await store.meta.withGcLock(async () => {
    report.ran = true;
    const [{ t0 }] = await sql`SELECT (extract(epoch FROM now()) * 1000)::float8 AS t0`;
    const cutoff = new Date(Number(t0) - graceMs);
    report.bytesBefore = await liveBytes(store);
    await store.refresh();
    const reached = await mark();
    report.reachable = reached.size;

    // 1. Delete what earlier rounds retired (and what a killed round uploaded but never indexed).
    const retired = await sql<PackRow[]>`SELECT name, bytes FROM strata_packs WHERE retired IS NOT NULL AND retired < ${cutoff}`;
    for (const p of retired) {
      await store.blobs.objects.delete(p.name);
      await sql`DELETE FROM strata_packs WHERE name = ${p.name}`;
      report.objectsDeleted++;
    }
    const known = new Set((await sql`SELECT name FROM strata_packs`).map((r) => r.name as string));
    for await (const o of store.blobs.objects.list(PACKS_DIR)) {
      if (!known.has(o.name) && o.modified < cutoff.getTime()) {
        await store.blobs.objects.delete(o.name);
        report.objectsDeleted++;
      }
    }

    // 2. Sweep sparse packs and compact small ones, oldest first.
    const packs = await sql<PackRow[]>`SELECT name, bytes FROM strata_packs WHERE retired IS NULL AND created < ${cutoff} ORDER BY created`;
    let batch: Array<{ from: string; hash: string; kind: number; payload: Uint8Array }> = [];
    let batchBytes = 0;
    let sources: string[] = [];
    const flushBatch = async () => {
      if (sources.length === 0) return;
      await rewrite(store, batch, sources, cutoff);
      report.packsSwept += sources.length;
      report.blobsCopied += batch.length;
      batch = [];
      batchBytes = 0;
      sources = [];
    };
    const candidates: Array<{ p: PackRow; live: Array<{ h: string; off: string; len: number; kind: number }>; sparse: boolean }> = [];
    for (const p of packs) {
      const rows = await sql`SELECT encode(hash, 'hex') AS h, off, len, kind, touched >= ${cutoff} AS recent FROM strata_blobs WHERE pack = ${p.name}`;
      const live = rows.filter((r) => r.recent || reached.has(r.h)) as unknown as Array<{ h: string; off: string; len: number; kind: number }>;
      const liveSize = live.reduce((n, r) => n + Number(r.len) + RECORD_OVERHEAD, 0);
      const sparse = liveSize < Number(p.bytes) * minLiveFraction || live.length === 0;
      if (sparse || Number(p.bytes) < smallPack) candidates.push({ p, live, sparse });
    }
    // One small pack alone is not worth rewriting into one small pack.
    if (candidates.length === 1 && !candidates[0].sparse) candidates.length = 0;
    for (const { p, live } of candidates) {
      let bytes: Uint8Array | undefined;
      try {
        if (live.length) bytes = await store.blobs.objects.getRange(p.name, 0, Number(p.bytes));
        if (live.length && !bytes) throw new Error("pack object is missing");
      } catch (err) {
        report.skipped.push({ pack: p.name, reason: (err as Error).message });
        continue;
      }
      try {
        for (const r of live) {
          const off = Number(r.off);
          const payload = bytes!.slice(off, off + Number(r.len));
          if (toHex(digest("sha256", payload)) !== r.h) throw new BlobCorruptError(r.h, `pack object ${p.name}`);
          batch.push({ from: p.name, hash: r.h, kind: Number(r.kind), payload });
          batchBytes += payload.length + RECORD_OVERHEAD;
        }
      } catch (err) {
        batch = batch.filter((b) => b.from !== p.name);
        report.skipped.push({ pack: p.name, reason: (err as Error).message });
        continue;
      }
      sources.push(p.name);
      if (batchBytes >= packLimit) await flushBatch();
    }
    await flushBatch();
    report.bytesAfter = await liveBytes(store);
    return true;
  });
  report.ran = ran === true;
  return report;
}

async function liveBytes(store: RemoteStore): Promise<number> {
  const [{ b }] = await store.meta.sql`SELECT coalesce(sum(bytes), 0)::bigint AS b FROM strata_packs WHERE retired IS NULL`;
  return Number(b);
}

/** Copies live blobs into one new pack, then moves their rows, tombstones the rest and retires the sources. */
async function rewrite(store: RemoteStore, blobs: Array<{ hash: string; kind: number; payload: Uint8Array }>, sources: string[], cutoff: Date): Promise<void> {
  let name: string | undefined;
  const moved: Array<{ hash: string; offset: number; length: number }> = [];
  if (blobs.length) {
    name = `${PACKS_DIR}${Date.now().toString(16).padStart(12, "0")}-${randomHex(8)}.pack`;
    const parts: Uint8Array[] = [PACK_MAGIC];
    let size = MAGIC_BYTES;
    for (const b of blobs) {
      parts.push(...encodeRecord(PACK_VERSION, kindName(b.kind)!, fromHex(b.hash), b.payload));
      moved.push({ hash: b.hash, offset: size + RECORD_HEAD, length: b.payload.length });
      size += RECORD_OVERHEAD + b.payload.length;
    }
    await store.blobs.objects.put(name, parts);
    await store.meta.sql`INSERT INTO strata_packs (name, bytes) VALUES (${name}, ${size})`;
  }
  await store.meta.transact(async (tx, seq) => {
    if (name && moved.length) {
      await tx`
        UPDATE strata_blobs b SET pack = ${name}, off = t.o, seq = ${seq}
        FROM unnest(${tx.array(moved.map((m) => m.hash))}::text[], ${tx.array(moved.map((m) => m.offset))}::bigint[]) AS t(h, o)
        WHERE b.hash = decode(t.h, 'hex') AND b.pack = ANY(${tx.array(sources)}::text[])`;
    }
    // What is left in the sources is garbage, unless a write touched it meanwhile (then its pack stays).
    await tx`UPDATE strata_blobs SET pack = NULL, seq = ${seq} WHERE pack = ANY(${tx.array(sources)}::text[]) AND touched < ${cutoff}`;
    await tx`
      UPDATE strata_packs p SET retired = now() WHERE p.name = ANY(${tx.array(sources)}::text[])
        AND NOT EXISTS (SELECT 1 FROM strata_blobs b WHERE b.pack = p.name)`;
  });
}

/** fsck's pack half on the distributed store: every live pack object is fetched and every record verified. */
export async function verifyRemotePacks(store: RemoteStore): Promise<PackReport> {
  const report: PackReport = { packs: 0, records: 0, bytes: 0, damaged: [] };
  const packs = await store.meta.sql<PackRow[]>`SELECT name, bytes FROM strata_packs WHERE retired IS NULL ORDER BY created`;
  for (const p of packs) {
    report.packs++;
    const size = Number(p.bytes);
    report.bytes += size;
    const bytes = await store.blobs.objects.getRange(p.name, 0, size);
    if (!bytes) {
      report.damaged.push({ pack: p.name, offset: 0, problem: "unreadable" });
      continue;
    }
    const intact = verifyScan(p.name, scanPackBytes(bytes), size, report);
    for (const r of await store.meta.sql`SELECT encode(hash, 'hex') AS h, off, kind FROM strata_blobs WHERE pack = ${p.name}`) {
      if (intact.get(r.h) !== Number(r.off) && !report.damaged.some((d) => d.pack === p.name && d.hash === r.h)) {
        report.damaged.push({ pack: p.name, offset: Number(r.off), hash: r.h, kind: kindName(r.kind), problem: "index-mismatch" });
      }
    }
  }
  return report;
}
