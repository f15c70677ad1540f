// The distributed store's metadata in PostgreSQL (the `postgres` package: pure JavaScript, runs in Bun, Node and
// Deno). Tables (docs/format.md, "PostgreSQL schema"):
//   strata_meta(id = 1, seq)                    the commit sequence: every metadata transaction takes the next one
//   strata_refs(key, value, seq)                refs as JSON text; value NULL = deleted (kept so others learn it)
//   strata_blobs(hash, pack, off, len, kind, seq, touched)  where each blob lives; pack NULL = collected
//   strata_packs(name, bytes, created, retired) pack objects in the bucket; retired ones are deleted after a grace period
// Every transaction that changes refs or blobs first bumps strata_meta.seq, which holds that row's lock until it
// commits: metadata transactions are serialised across gateways, so "refs with seq > N" is a consistent change feed
// (no transaction with a smaller seq can still commit) and a ref compare-and-swap needs no further locking. Blob rows
// are not fed to gateways: each looks up the locations it needs (locateBlobs) and caches a bounded number of them.
import postgres from "postgres";
import { UnavailableError } from "../util/unavailable.ts";
import { type BlobKind, kindCode, kindName } from "./pack-format.ts";

export interface RemoteLocation {
  pack: string;
  offset: number;
  length: number;
  kind: BlobKind;
}

export interface BlobRow extends RemoteLocation {
  hash: string;
}

export interface RefRow {
  key: string;
  /** JSON text, or null when deleted */
  raw: string | null;
  seq: number;
}

export interface Changes {
  refs: RefRow[];
  seq: number;
}

/** One writer's ref changes with the values it built on (null: absent); checked in order inside one transaction. */
export interface CasBatch {
  changes: Array<[string, string | null]>;
  expect: Array<[string, string | null]>;
}

const SCHEMA_LOCK = 0x5354_5241; // "STRA"
/**
 * gc's advisory lock is the pair (GC_LOCK, hashtext(schema)): one collector at a time per store, while stores in
 * other schemas of the same database collect at the same time.
 */
export const GC_LOCK = 0x5354_5247; // "STRG"

/** The name a ref's queue lock (cas-queue.ts) is taken by, as hashtextextended(name, 0): per store, per key. */
export function queueLockName(schema: string, key: string): string {
  return `${schema}:${key}`;
}

type Sql = postgres.Sql;

/** Runs a query, turning "cannot reach PostgreSQL" into UnavailableError (503 to clients). */
export async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UnavailableError) throw err;
    const code = (err as { code?: string }).code ?? "";
    // Connection-level failures (refused, reset, timeout, server shutting down, too many clients): retryable.
    if (/^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|CONNECT_TIMEOUT|CONNECTION_|57P|08|53300)/.test(code) || /connect|terminat|closed|ended/i.test((err as Error).message)) {
      throw new UnavailableError(`PostgreSQL unavailable (${what}): ${(err as Error).message}`);
    }
    throw err;
  }
}

/** Splits `postgres://…?schema=NAME` into the connection URL and the schema (default: public). */
export function parseMetaUrl(url: string): { url: string; schema: string } {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`--meta must be a postgres:// URL, not ${JSON.stringify(url)}`);
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? "public";
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema ${JSON.stringify(schema)} must be a plain lower-case identifier`);
  u.searchParams.delete("schema");
  return { url: u.toString(), schema };
}

/** A client on the schema of a --meta URL; `max` connections. The same settings for gateways and their lookup worker. */
export function pgClient(metaUrl: string, max: number): { sql: Sql; schema: string } {
  const { url, schema } = parseMetaUrl(metaUrl);
  const sql = postgres(url, {
    max,
    connect_timeout: 3,
    idle_timeout: 60,
    onnotice: () => {},
    connection: { search_path: schema, application_name: "strata" },
  });
  return { sql, schema };
}

/** A strata_blobs row selected as (h = hex hash, pack, off, len, kind). */
function blobRow(r: postgres.Row): BlobRow {
  return { hash: r.h as string, pack: r.pack as string, offset: Number(r.off), length: r.len as number, kind: kindName(r.kind)! };
}

/** The live location of each of `hashes` that has one: one query, whatever their number. */
export function locateBlobs(sql: Sql, hashes: string[]): Promise<BlobRow[]> {
  if (hashes.length === 0) return Promise.resolve([]);
  return guard("blob lookup", async () => {
    // One comma-separated text parameter: a one-element sql.array() reached PostgreSQL as a bare string on a fresh
    // connection ("malformed array literal"), and hex hashes hold no commas.
    const rows = await sql`
      SELECT encode(hash, 'hex') AS h, pack, off, len, kind FROM strata_blobs
      WHERE hash = ANY(SELECT decode(h, 'hex') FROM unnest(string_to_array(${hashes.join(",")}, ',')) h) AND pack IS NOT NULL`;
    return rows.map(blobRow);
  });
}

export class PgMeta {
  readonly sql: Sql;

  private constructor(sql: Sql, readonly schema: string, readonly url: string) {
    this.sql = sql;
  }

  static async connect(metaUrl: string): Promise<PgMeta> {
    const { sql, schema } = pgClient(metaUrl, 4);
    const meta = new PgMeta(sql, schema, metaUrl);
    await guard("schema", () => meta.createSchema());
    return meta;
  }

  private async createSchema(): Promise<void> {
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`;
      await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await tx.unsafe(`
        CREATE TABLE IF NOT EXISTS strata_meta (id int PRIMARY KEY, seq bigint NOT NULL, format int NOT NULL);
        INSERT INTO strata_meta VALUES (1, 0, 1) ON CONFLICT DO NOTHING;
        CREATE TABLE IF NOT EXISTS strata_refs (key text PRIMARY KEY, value text, seq bigint NOT NULL);
        CREATE INDEX IF NOT EXISTS strata_refs_seq ON strata_refs (seq);
        CREATE TABLE IF NOT EXISTS strata_blobs (hash bytea PRIMARY KEY, pack text, off bigint NOT NULL, len int NOT NULL,
          kind smallint NOT NULL, seq bigint NOT NULL, touched timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS strata_blobs_seq ON strata_blobs (seq);
        CREATE INDEX IF NOT EXISTS strata_blobs_pack ON strata_blobs (pack);
        CREATE TABLE IF NOT EXISTS strata_packs (name text PRIMARY KEY, bytes bigint NOT NULL,
          created timestamptz NOT NULL DEFAULT now(), retired timestamptz);
      `);
    });
  }

  /** Refs with seq > since (since = -1: a full load of live refs). */
  changes(since: number): Promise<Changes> {
    return guard("refresh", async () => {
      const full = since < 0;
      const rows = await this.sql.unsafe<Array<{ t: number; k: string; v: string | null; seq: string }>>(
        `SELECT 0 AS t, key AS k, value AS v, seq FROM strata_refs WHERE seq > $1 ${full ? "AND value IS NOT NULL" : ""}
         UNION ALL
         SELECT 1, NULL, NULL, seq FROM strata_meta WHERE id = 1`,
        [since],
      );
      const out: Changes = { refs: [], seq: since };
      for (const r of rows) {
        const seq = Number(r.seq);
        if (r.t === 0) out.refs.push({ key: r.k, raw: r.v, seq });
        else if (full) out.seq = seq; // a full load is consistent as of the meta row read in the same statement
      }
      if (!full) for (const r of out.refs) out.seq = Math.max(out.seq, r.seq);
      return out;
    });
  }

  /** Where these blobs live now (collected or unknown ones are left out). */
  locate(hashes: string[]): Promise<BlobRow[]> {
    return locateBlobs(this.sql, hashes);
  }

  /** Live blobs and their payload bytes (a full count: callers keep the answer for a while). */
  blobTotals(): Promise<{ blobs: number; bytes: number }> {
    return guard("blob totals", async () => {
      const [r] = await this.sql`SELECT count(*) AS n, coalesce(sum(len), 0)::bigint AS b FROM strata_blobs WHERE pack IS NOT NULL`;
      return { blobs: Number(r.n), bytes: Number(r.b) };
    });
  }

  /**
   * One group flush: indexes uploaded blobs, touches reused ones (so gc keeps them; fails if one was collected),
   * then applies each CAS batch whose expectations hold, in order. Returns the seq and which batches won; the blob
   * rows as stored (another gateway may have indexed the same hash first: its copy wins).
   */
  flush(rows: BlobRow[], reused: string[], packs: Array<{ name: string; bytes: number }>, batches: CasBatch[]): Promise<{ seq: number; won: boolean[]; stored: BlobRow[]; missing: string[] }> {
    return guard("commit", () =>
      this.sql.begin(async (tx) => {
        const [{ seq: s }] = await tx`UPDATE strata_meta SET seq = seq + 1 WHERE id = 1 RETURNING seq`;
        const seq = Number(s);
        let missing: string[] = [];
        if (reused.length) {
          const found = await tx`UPDATE strata_blobs SET touched = now() WHERE hash = ANY(SELECT decode(h, 'hex') FROM unnest(${tx.array(reused)}::text[]) h) AND pack IS NOT NULL RETURNING encode(hash, 'hex') AS h`;
          const ok = new Set(found.map((r) => r.h as string));
          missing = reused.filter((h) => !ok.has(h));
          if (missing.length) throw new MissingBlobs(missing);
        }
        if (packs.length) {
          await tx`INSERT INTO strata_packs (name, bytes) SELECT * FROM unnest(${tx.array(packs.map((p) => p.name))}::text[], ${tx.array(packs.map((p) => p.bytes))}::bigint[]) ON CONFLICT DO NOTHING`;
        }
        let stored: BlobRow[] = [];
        if (rows.length) {
          const got = await tx`
            INSERT INTO strata_blobs (hash, pack, off, len, kind, seq)
            SELECT decode(h, 'hex'), p, o, l, k, ${seq} FROM unnest(${tx.array(rows.map((r) => r.hash))}::text[], ${tx.array(rows.map((r) => r.pack))}::text[],
              ${tx.array(rows.map((r) => r.offset))}::bigint[], ${tx.array(rows.map((r) => r.length))}::int[], ${tx.array(rows.map((r) => kindCode(r.kind)))}::smallint[]) AS t(h, p, o, l, k)
            ON CONFLICT (hash) DO UPDATE SET touched = now(),
              pack = CASE WHEN strata_blobs.pack IS NULL THEN excluded.pack ELSE strata_blobs.pack END,
              off = CASE WHEN strata_blobs.pack IS NULL THEN excluded.off ELSE strata_blobs.off END,
              len = CASE WHEN strata_blobs.pack IS NULL THEN excluded.len ELSE strata_blobs.len END,
              seq = CASE WHEN strata_blobs.pack IS NULL THEN excluded.seq ELSE strata_blobs.seq END
            RETURNING encode(hash, 'hex') AS h, pack, off, len, kind`;
          stored = got.map(blobRow);
        }
        const keys = [...new Set(batches.flatMap((b) => [...b.expect.map(([k]) => k), ...b.changes.map(([k]) => k)]))];
        const current = new Map<string, string | null>();
        if (keys.length) {
          for (const r of await tx`SELECT key, value FROM strata_refs WHERE key = ANY(${tx.array(keys)}::text[])`) current.set(r.key, r.value);
        }
        const won = batches.map((b) => {
          if (!b.expect.every(([k, v]) => (current.get(k) ?? null) === v)) return false;
          for (const [k, v] of b.changes) current.set(k, v);
          return true;
        });
        const written = new Map<string, string | null>();
        batches.forEach((b, i) => won[i] && b.changes.forEach(([k, v]) => written.set(k, v)));
        if (written.size) {
          await tx`
            INSERT INTO strata_refs (key, value, seq)
            SELECT k, v, ${seq} FROM unnest(${tx.array([...written.keys()])}::text[], ${tx.array([...written.values()] as string[])}::text[]) AS t(k, v)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, seq = excluded.seq`;
        }
        return { seq, won, stored, missing };
      })
    );
  }

  /**
   * Waits while another gateway's losers hold any of these refs queued (cas-queue.ts): one statement, its own
   * transaction, so the shared locks it takes are gone when it answers.
   */
  awaitQueues(keys: string[]): Promise<void> {
    if (keys.length === 0) return Promise.resolve();
    const names = keys.map((k) => queueLockName(this.schema, k));
    return guard("queue", async () => {
      // JSON, not sql.array(): a one-element array can reach PostgreSQL as a bare string (see locateBlobs).
      await this.sql`SELECT count(pg_advisory_xact_lock_shared(hashtextextended(n, 0))) FROM json_array_elements_text((${JSON.stringify(names)}::text)::json) n`;
    });
  }

  /** Runs fn holding the cluster-wide gc lock, or returns undefined when another gateway holds it. */
  async withGcLock<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const reserved = await guard("gc lock", () => this.sql.reserve());
    try {
      const [{ got }] = await reserved`SELECT pg_try_advisory_lock(${GC_LOCK}, hashtext(${this.schema})) AS got`;
      if (!got) return undefined;
      try {
        return await fn();
      } finally {
        await reserved`SELECT pg_advisory_unlock(${GC_LOCK}, hashtext(${this.schema}))`.catch(() => {});
      }
    } finally {
      reserved.release();
    }
  }

  /** Runs statements in one seq-bumping transaction (gc and migrate), so other gateways learn the changes. */
  transact<T>(fn: (tx: postgres.TransactionSql, seq: number) => Promise<T>): Promise<T> {
    return guard("transaction", () =>
      this.sql.begin(async (tx) => {
        const [{ seq }] = await tx`UPDATE strata_meta SET seq = seq + 1 WHERE id = 1 RETURNING seq`;
        return await fn(tx, Number(seq));
      }) as Promise<T>
    );
  }

  close(): Promise<void> {
    return this.sql.end({ timeout: 2 });
  }
}

/** Blobs a write reuses were collected meanwhile: the write fails (503) and the client retries it. */
export class MissingBlobs extends Error {
  constructor(readonly hashes: string[]) {
    super(`${hashes.length} reused blob(s) were collected meanwhile`);
  }
}
