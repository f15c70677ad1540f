// Refs of the distributed store: a cache of PostgreSQL's refs in the same two views as the local journal.
// "durable" is what PostgreSQL held at the last refresh (plus this gateway's own acknowledged commits); "latest"
// adds changes staged here and not yet committed, which writers on this gateway build on. A staged batch records
// the value each key of the branch/repo family had when it was built; the commit applies it only if PostgreSQL
// still holds exactly those values (compare-and-swap), so a writer on another gateway can never be overwritten.
import { type RefChange, type RefEntry, decoded, listRefs } from "./ref-journal.ts";
import type { CasBatch, RefRow } from "./pg-meta.ts";
import type { RefReader, RefView } from "./store.ts";

/**
 * Keys whose writers read-modify-write them, or must not both create them: branch heads and repo commit indexes,
 * tags, multipart uploads and their completions, users, tokens and settings. These move only by CAS. Parts and
 * CORS rules are replaced whole, last writer winning, as S3 does.
 */
const CAS_KEY = /^(repo|branch|tag|upload|completed|user|token|settings)\//;

export interface StagedBatch extends CasBatch {
  /** set once the batch's commit is decided: null = applied, else why not */
  outcome?: Error | null;
}

export class RemoteRefs implements RefReader {
  private durable = new Map<string, RefEntry>();
  private latest = new Map<string, RefEntry>();
  /** seq of the newest row applied per key (rows can arrive out of order from overlapping refreshes) */
  private seqs = new Map<string, number>();
  private pending: StagedBatch[] = [];
  private inFlight: StagedBatch[] = [];

  get<T>(key: string, view: RefView): T | undefined {
    const entry = (view === "latest" ? this.latest : this.durable).get(key);
    return entry === undefined ? undefined : (decoded(entry) as T);
  }

  list<T>(prefix: string, view: RefView): Array<[string, T]> {
    return listRefs<T>(view === "latest" ? this.latest : this.durable, prefix);
  }

  /** Stages changes; the commit applies them only if their CAS keys and the `unchanged` keys still hold these values. */
  stage(changes: RefChange[], unchanged: string[] = []): StagedBatch {
    const batch: StagedBatch = { changes: [], expect: unchanged.map((k) => [k, this.latest.get(k)?.raw ?? null]) };
    for (const c of changes) {
      const raw = c.value === null ? null : JSON.stringify(c.value);
      if (CAS_KEY.test(c.key) && !batch.expect.some(([k]) => k === c.key)) batch.expect.push([c.key, this.latest.get(c.key)?.raw ?? null]);
      batch.changes.push([c.key, raw]);
      setEntry(this.latest, c.key, raw);
    }
    this.pending.push(batch);
    return batch;
  }

  /** Takes the batches staged so far for one commit. */
  take(): StagedBatch[] {
    this.inFlight.push(...this.pending);
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** Records how a commit of taken batches ended; a failed batch's changes leave the latest view. */
  settle(batches: StagedBatch[], won: boolean[] | Error, seq: number): void {
    let failed = false;
    batches.forEach((b, i) => {
      const ok = !(won instanceof Error) && won[i];
      b.outcome = ok ? null : won instanceof Error ? won : new ConflictMarker();
      if (ok) for (const [k, raw] of b.changes) this.applyRow({ key: k, raw, seq });
      else failed = true;
    });
    this.inFlight = this.inFlight.filter((b) => !batches.includes(b));
    if (failed) {
      this.failDoomed();
      this.rebuildLatest();
    }
  }

  /**
   * Fails at once the staged batches that built on a batch that just lost: they expect a value that will now
   * never be there. Left staged, two writers here rebuilding after a loss could each build on the other's doomed
   * retry and lose to each other round after round, with no other gateway in the way.
   */
  private failDoomed(): void {
    const view = new Map<string, string | null>();
    const value = (k: string) => (view.has(k) ? view.get(k)! : this.latestDurable(k));
    this.pending = this.pending.filter((b) => {
      if (!b.expect.every(([k, v]) => value(k) === v)) {
        b.outcome = new ConflictMarker();
        return false;
      }
      for (const [k, raw] of b.changes) view.set(k, raw);
      return true;
    });
  }

  /** A key's value as the durable view and the batches still in flight leave it. */
  private latestDurable(key: string): string | null {
    let raw = this.durable.get(key)?.raw ?? null;
    for (const b of this.inFlight) for (const [k, v] of b.changes) if (k === key) raw = v;
    return raw;
  }

  /** Applies rows from PostgreSQL (a refresh or a full load). */
  apply(rows: RefRow[]): void {
    const touched = this.localKeys();
    for (const r of rows) {
      if (!this.applyRow(r)) continue;
      if (!touched.has(r.key)) setEntry(this.latest, r.key, r.raw);
    }
  }

  private applyRow(r: RefRow): boolean {
    if ((this.seqs.get(r.key) ?? -1) > r.seq) return false;
    this.seqs.set(r.key, r.seq);
    setEntry(this.durable, r.key, r.raw);
    return true;
  }

  /** Keys with changes staged or in flight here: a refresh must not hide them from local writers. */
  private localKeys(): Set<string> {
    const keys = new Set<string>();
    for (const b of [...this.inFlight, ...this.pending]) for (const [k] of b.changes) keys.add(k);
    return keys;
  }

  private rebuildLatest(): void {
    this.latest = new Map(this.durable);
    for (const b of [...this.inFlight, ...this.pending]) for (const [k, raw] of b.changes) setEntry(this.latest, k, raw);
  }
}

/** A batch lost its compare-and-swap (the store turns it into RefConflictError). */
export class ConflictMarker extends Error {
  constructor() {
    super("a ref changed on another gateway");
  }
}

function setEntry(view: Map<string, RefEntry>, key: string, raw: string | null): void {
  if (raw === null) view.delete(key);
  else if (view.get(key)?.raw !== raw) view.set(key, { raw });
}
