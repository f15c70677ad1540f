// Fairness between gateways writing the same refs. Compare-and-swap alone lets a gateway whose writers chain on
// their own in-flight commits win every round: another gateway's writers build on a head that has moved again by
// the time their flush commits, and rebuild until their retries run out (503 SlowDown). So a writer that lost
// queues: its gateway takes a PostgreSQL advisory lock on each key it lost, exclusively, until its retry lands, and
// every other gateway's flush that would move one of those keys first waits for that lock in shared mode
// (RemoteStore.flushOnce, PgMeta.awaitQueues: before the pack upload, so the wait never ages a pack that is not yet
// indexed towards gc's grace period). Losers thus queue in PostgreSQL (its lock queue is first come, first served)
// instead of spinning; without a loser a flush costs one statement more, on locks nobody holds.
//
// Deadlock-free by bounds, not by ordering: a gateway that holds a queue lock does not wait on other gateways' in
// its own flushes, and gives each queue lock up after HOLD_MS whatever happened, so a wait that PostgreSQL cannot
// see (a holder waiting on its own flush, queued behind one waiting on another gateway's hold) ends by itself.
import type postgres from "postgres";
import { guard, queueLockName } from "./pg-meta.ts";

/** Longest a gateway keeps a key queued for its losers: far above one refresh + rebuild + flush. */
const HOLD_MS = 2000;

interface Hold {
  key: string;
  /** losers on this gateway waiting for or under this hold */
  count: number;
  /** the connection whose session holds the lock, once it does */
  session: Promise<postgres.ReservedSql>;
  locked: boolean;
  ended: boolean;
}

export class CasQueue {
  private readonly holds = new Map<string, Hold>();
  /** holds whose lock is taken (a loser still waiting for one must not stop this gateway's flushes waiting) */
  private locked = 0;

  /** `sql`: a pool of its own, so holds never starve the store's flushes and refreshes of connections. */
  constructor(private readonly sql: postgres.Sql, private readonly schema: string) {}

  /** Whether some loser here holds a queue lock (this gateway's flushes must not wait on other gateways then). */
  get holding(): boolean {
    return this.locked > 0;
  }

  /** Waits for this gateway's turn on each key (losers here share one turn); resolves to the call ending it. */
  async enter(keys: string[]): Promise<() => Promise<void>> {
    const taken: Hold[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) {
        const hold = this.hold(key);
        taken.push(hold);
        await hold.session;
      }
    } catch (err) {
      await Promise.all(taken.map((h) => this.leave(h)));
      throw err;
    }
    let left = false;
    return async () => {
      if (left) return;
      left = true;
      await Promise.all(taken.map((h) => this.leave(h)));
    };
  }

  private hold(key: string): Hold {
    const existing = this.holds.get(key);
    if (existing) {
      existing.count++;
      return existing;
    }
    const hold: Hold = { key, count: 1, locked: false, ended: false, session: this.lock(key) };
    this.holds.set(key, hold);
    hold.session.then(
      () => {
        if (hold.ended) return;
        hold.locked = true;
        this.locked++;
        setTimeout(() => this.end(hold), HOLD_MS).unref?.();
      },
      () => this.end(hold),
    );
    return hold;
  }

  private async lock(key: string): Promise<postgres.ReservedSql> {
    const session = await guard("queue lock", () => this.sql.reserve());
    try {
      await guard("queue lock", () => session`SELECT pg_advisory_lock(hashtextextended(${queueLockName(this.schema, key)}, 0))`);
      return session;
    } catch (err) {
      session.release();
      throw err;
    }
  }

  private async leave(hold: Hold): Promise<void> {
    if (--hold.count === 0) await this.end(hold);
  }

  /** Gives the lock up: the last loser here left, or the hold ran out its time. */
  private async end(hold: Hold): Promise<void> {
    if (hold.ended) return;
    hold.ended = true;
    if (this.holds.get(hold.key) === hold) this.holds.delete(hold.key);
    if (hold.locked) this.locked--;
    const session = await hold.session.catch(() => undefined);
    if (!session) return;
    // A failed unlock means the session is gone, and its locks with it.
    await session`SELECT pg_advisory_unlock(hashtextextended(${queueLockName(this.schema, hold.key)}, 0))`.catch(() => {});
    session.release();
  }

  close(): Promise<void> {
    for (const hold of this.holds.values()) void this.end(hold);
    return this.sql.end({ timeout: 2 });
  }
}
