// `npm run bench:distributed`: one gateway on the distributed store (PostgreSQL + an object store) against the
// embedded store, same binary, same load (small PUT/GET/HEAD, 64 MiB PUT/GET, list), one after the other.
// The object store is a second Strata in embedded mode on this machine (moto_server, single-threaded Python,
// would measure moto). Prints each phase's rate for both, the ratio distributed ÷ embedded, server CPU per
// operation, and what each small write costs the object store and PostgreSQL; writes .bench/distributed.json.
//
//   bun scripts/bench/distributed.ts [--quick] [--strata-bin PATH] [--meta postgres://…]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { randomHex } from "../../src/util/bytes.ts";
import { freePort, launch, timeToFirstAnswer } from "./launch.ts";
import { DEFAULT_SETTINGS, type LoadSettings, makeLargeBodies, PHASES } from "./loadgen.ts";
import type { TargetResult } from "./metrics.ts";
import { benchTarget } from "./peers.ts";
import { DEFAULT_STRATA_BINARY, REPO_ROOT, strataTarget, type Target } from "./targets.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: "boolean", default: false },
    "strata-bin": { type: "string" },
    meta: { type: "string", default: "postgres://postgres@127.0.0.1:5432/test" },
  },
});
const settings: LoadSettings = values.quick
  ? { ...DEFAULT_SETTINGS, phaseSeconds: 0.5, smallMaxOps: 2000, warmupOps: 100, largeSize: 4 * 1024 * 1024, largeCount: 1, listMaxPages: 50 }
  : { ...DEFAULT_SETTINGS };
const binary = values["strata-bin"] ? resolve(values["strata-bin"]) : DEFAULT_STRATA_BINARY;
const workRoot = join(REPO_ROOT, ".bench");
mkdirSync(workRoot, { recursive: true });
const workDir = mkdtempSync(join(workRoot, "distributed-"));
const schema = `strata_bench_${randomHex(4)}`;
const sql = postgres(values.meta, { max: 1, onnotice: () => {} });
Object.assign(process.env, { AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench", AWS_REGION: "us-east-1" });

const embedded = strataTarget(binary);
embedded.name = "embedded";
if (await embedded.prepare()) throw new Error(`cannot run ${binary}`);

// The object store: a second Strata, embedded, with one bucket.
const objectPort = await freePort();
const objectStore = launch([binary, "serve", "--port", String(objectPort), "--data-dir", join(workDir, "object-store"), "--quiet"], { logPath: join(workDir, "object-store.log"), cwd: workDir });
const objectUrl = `http://127.0.0.1:${objectPort}`;
await timeToFirstAnswer(objectStore, `${objectUrl}/`);
await fetch(`${objectUrl}/blobs`, { method: "PUT" });

const distributed: Target = {
  name: "distributed",
  config: `${binary} serve --meta ${values.meta}?schema=… --blobs s3://blobs/bench (object store: embedded Strata on this machine)`,
  prepare: async () => null,
  command: (port) => [binary, "serve", "--port", String(port), "--quiet", "--meta", `${values.meta}?schema=${schema}`, "--blobs", "s3://blobs/bench", "--blobs-endpoint", objectUrl],
};

interface Counters {
  seq: number;
  packs: number;
  packBytes: number;
  blobRows: number;
}
async function counters(): Promise<Counters> {
  const [r] = await sql.unsafe(`SELECT (SELECT seq FROM ${schema}.strata_meta) AS seq, (SELECT count(*) FROM ${schema}.strata_packs) AS packs,
    (SELECT coalesce(sum(bytes), 0) FROM ${schema}.strata_packs) AS pack_bytes, (SELECT count(*) FROM ${schema}.strata_blobs) AS blob_rows`);
  return { seq: Number(r.seq), packs: Number(r.packs), packBytes: Number(r.pack_bytes), blobRows: Number(r.blob_rows) };
}

const results: TargetResult[] = [];
const snapshots: Record<string, Promise<Counters>> = {};
try {
  const largeBodies = await makeLargeBodies(workDir, settings.largeCount, settings.largeSize);
  for (const target of [embedded, distributed]) {
    process.stdout.write(`${target.name}:`);
    const onPhase = target === distributed ? (phase: string) => void (snapshots[phase] = counters()) : undefined;
    const r = await benchTarget(target, settings, largeBodies, workDir, onPhase);
    if (r.error) console.log(`  error: ${r.error}`);
    results.push(r);
  }
} finally {
  await objectStore.stop();
}

const [e, d] = results;
const rate = (r: TargetResult, p: (typeof PHASES)[number]) => {
  const ph = r.phases?.[p];
  if (!ph || ph.ops === 0) return undefined;
  return p.startsWith("large") ? ph.bytesPerSec / 1e6 : ph.opsPerSec;
};
const lines = ["| phase | embedded | distributed | distributed ÷ embedded | server CPU µs/op embedded | distributed |", "|---|---:|---:|---:|---:|---:|"];
for (const p of PHASES) {
  const a = rate(e, p);
  const b = rate(d, p);
  const unit = p.startsWith("large") ? "MB/s" : p === "list" ? "pages/s" : "ops/s";
  const cpu = (r: TargetResult) => r.serverCpuUsPerOp?.[p]?.toFixed(0) ?? "–";
  lines.push(`| ${p} (${unit}) | ${a?.toFixed(1) ?? "–"} | ${b?.toFixed(1) ?? "–"} | ${a && b ? (b / a).toFixed(2) + "×" : "–"} | ${cpu(e)} | ${cpu(d)} |`);
}
// What the small-PUT phase cost, per acknowledged write.
const before = await snapshots.smallPut;
const after = await snapshots.smallGet;
const writes = d.phases?.smallPut?.ops ?? 0;
const cost = writes > 0 && before && after
  ? {
    writes,
    objectPutsPerWrite: (after.packs - before.packs) / writes,
    bytesPerWrite: (after.packBytes - before.packBytes) / writes,
    pgTransactionsPerWrite: (after.seq - before.seq) / writes,
    blobRowsPerWrite: (after.blobRows - before.blobRows) / writes,
  }
  : undefined;
console.log(`\n${lines.join("\n")}`);
if (cost) {
  console.log(`\nsmall PUT cost (${writes} writes, ${settings.concurrency} clients): ${cost.objectPutsPerWrite.toFixed(3)} object-store PUTs, ` +
    `${cost.pgTransactionsPerWrite.toFixed(3)} PostgreSQL transactions, ${cost.bytesPerWrite.toFixed(0)} bytes uploaded, ${cost.blobRowsPerWrite.toFixed(1)} index rows per write`);
}
const json = join(workRoot, "distributed.json");
writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), settings, results, cost }, null, 2));
console.log(`written ${json}`);
await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await sql.end();
rmSync(workDir, { recursive: true, force: true });
