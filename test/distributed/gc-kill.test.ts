// gc on the distributed store killed midway (SIGKILL of the collector at one instant after another, until a run
// gets to its end by itself), then whole rounds: nothing acknowledged is lost, fsck finds the store clean, and
// nothing leaks (every pack object in the bucket has its pack row and every pack row its object: what a killed
// round uploaded and never indexed, or retired and never deleted, a later round takes).
import { beforeAll, expect, test } from "bun:test";
import postgres from "postgres";
import { gatewayArgs, gatewaysOnMoto, PG_URL, pgAvailable, strataCli } from "../helpers/distributed.ts";

const skip = !(await pgAvailable());
const cluster = gatewaysOnMoto("gck", skip);
const { gateways } = cluster;
const acks = new Map<string, string>();
const sha = (b: Uint8Array | string) => new Bun.CryptoHasher("sha256").update(b).digest("hex");

beforeAll(async () => {
  if (skip) return;
  const [a, b] = gateways;
  // Garbage (a deleted repo) and many small packs (each write below is its own group flush, so its own pack).
  expect((await fetch(`${a.url}/junk`, { method: "PUT" })).status).toBe(200);
  for (let i = 0; i < 20; i++) expect((await fetch(`${a.url}/junk/j${i}`, { method: "PUT", body: `junk ${i} `.repeat(2000) })).status).toBe(200);
  expect((await fetch(`${b.url}/_strata/repos/junk?force=true`, { method: "DELETE" })).status).toBe(200);
  expect((await fetch(`${b.url}/photos`, { method: "PUT" })).status).toBe(200);
  for (let i = 0; i < 120; i++) {
    const body = `photo ${i} `.repeat(50 + i * 7);
    expect((await fetch(`${gateways[i % 2].url}/photos/p${i}`, { method: "PUT", body })).status).toBe(200);
    acks.set(`p${i}`, sha(body));
  }
}, 120_000);

/** What gc changes: pack rows, retired ones, collected blobs, and the pack objects in the bucket. */
async function state(sql: postgres.Sql): Promise<string> {
  const schema = cluster.schema.name;
  const [r] = await sql.unsafe(`SELECT (SELECT count(*) FROM ${schema}.strata_packs) AS packs, (SELECT count(*) FROM ${schema}.strata_packs WHERE retired IS NOT NULL) AS retired,
    (SELECT count(*) FROM ${schema}.strata_blobs WHERE pack IS NULL) AS collected`);
  return `${r.packs}/${r.retired}/${r.collected}/${(await bucketObjects()).length}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function bucketObjects(): Promise<string[]> {
  const { endpoint, bucket } = cluster.objects;
  const xml = await (await fetch(`${endpoint}/${bucket}?list-type=2&prefix=gck/&max-keys=1000`)).text();
  return [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1].slice("gck/".length)).sort();
}

test.skipIf(skip)("gc SIGKILLed midway again and again, then whole rounds: every write reads back, fsck is clean, nothing leaks", async () => {
  const target = gatewayArgs(cluster.schema.url(), cluster.objects, "gck");
  const sql = postgres(PG_URL, { max: 1, onnotice: () => {} });
  try {
    // A first whole round compacts the 140 small packs into one and retires them; the next rounds delete them, object
    // by object (and row by row): long enough for kills to land in the middle.
    const first = await strataCli(["gc", ...target, "--min-age", "0", "--json"]);
    const compacted = JSON.parse(first.stdout) as { ran: boolean; packsSwept: number };
    expect(compacted.ran).toBe(true);
    expect(compacted.packsSwept).toBeGreaterThan(100);
    let killedMidway = 0;
    // Each run is killed a little later after its first visible change to the store (an object deleted, a row
    // written), until one ends by itself.
    for (const delay of [0, 20, 80, 320]) {
      const before = await state(sql);
      let over = false;
      const changedAwhile = (async () => {
        while (!over && (await state(sql)) === before) await sleep(10);
        if (over) await new Promise(() => {});
        await sleep(delay);
      })();
      const r = await strataCli(["gc", ...target, "--min-age", "0", "--json"], {}, { kill: changedAwhile });
      over = true;
      if (r.signal !== "SIGKILL") {
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout).ran).toBe(true);
        break;
      } else if ((await state(sql)) !== before) killedMidway++;
    }
    // The kills hit the collector while it was changing the store, not only before it started.
    expect(killedMidway).toBeGreaterThan(0);

    for (let round = 0; round < 2; round++) {
      const r = await strataCli(["gc", ...target, "--min-age", "0", "--json"]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).ran).toBe(true);
    }
    const fsck = await strataCli(["fsck", ...target, "--json"]);
    expect(JSON.parse(fsck.stdout)).toMatchObject({ ok: true, problems: [] });
    for (const gw of gateways) {
      for (const [key, want] of acks) {
        const res = await fetch(`${gw.url}/photos/${key}`);
        expect(res.status).toBe(200);
        expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(want);
      }
    }
    const rows = (await sql.unsafe(`SELECT name FROM ${cluster.schema.name}.strata_packs ORDER BY name`)).map((r) => r.name as string);
    expect(await bucketObjects()).toEqual(rows.sort());
    // And the junk's blobs are collected: the index holds exactly what is reachable.
    const [{ n }] = await sql.unsafe(`SELECT count(*) AS n FROM ${cluster.schema.name}.strata_blobs WHERE pack IS NOT NULL`);
    const last = JSON.parse((await strataCli(["gc", ...target, "--min-age", "0", "--json"])).stdout) as { reachable: number };
    expect(Number(n)).toBe(last.reachable);
  } finally {
    await sql.end();
  }
}, 300_000);
