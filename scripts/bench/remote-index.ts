// `bun scripts/bench/remote-index.ts [--meta postgres://…] [--blobs N]`: the memory a distributed gateway's blob
// locations take as the store grows. A RemoteStore on a fresh PostgreSQL schema is handed the locations of N
// blobs, in pages as PostgreSQL answers them (strings decoded afresh per row, as the driver does), and the heap is
// measured after a full collection at each step: bytes per blob stored, and locations held. The object store is
// never contacted. (Before the location cache was bounded, every gateway held every location: docs/distributed.md.)
import { parseArgs } from "node:util";
import postgres from "postgres";
import { randomHex } from "../../src/util/bytes.ts";
import { objectStoreOf } from "../../src/store/distributed-config.ts";
import type { BlobRow } from "../../src/store/pg-meta.ts";
import { PACKS_DIR } from "../../src/store/remote-blobs.ts";
import { RemoteStore } from "../../src/store/remote-store.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    meta: { type: "string", default: "postgres://postgres@127.0.0.1:5432/test" },
    blobs: { type: "string", default: "1000000" },
  },
});
const total = Number(values.blobs);
const schema = `strata_bench_${randomHex(4)}`;

function heap(): number {
  Bun.gc(true);
  return process.memoryUsage().heapUsed;
}

/** One page of rows as the PostgreSQL driver hands them over: fresh strings for every field. */
function page(start: number, count: number): BlobRow[] {
  const rows = [];
  for (let i = start; i < start + count; i++) {
    const pack = `${PACKS_DIR}${(1_700_000_000_000 + Math.floor(i / 1000)).toString(16).padStart(12, "0")}-${(i >> 10).toString(16).padStart(16, "0")}.pack`;
    rows.push({ hash: randomHex(32), pack, offset: 8 + (i % 1000) * 4200, length: 4096, kind: "chunk" });
  }
  return JSON.parse(JSON.stringify(rows)) as BlobRow[];
}

const store = await RemoteStore.open({
  meta: `${values.meta}?schema=${schema}`,
  objects: objectStoreOf({ blobs: "s3://never-contacted/bench", blobsEndpoint: "http://127.0.0.1:9" }),
});
try {
  const base = heap();
  console.log("| blobs stored | locations held | heap growth | bytes per blob stored |\n|---:|---:|---:|---:|");
  let done = 0;
  for (const step of [100_000, 250_000, 500_000, 1_000_000, 2_000_000, 4_000_000].filter((s) => s <= total)) {
    while (done < step) {
      const n = Math.min(10_000, step - done);
      store.blobs.remember(page(done, n));
      done += n;
    }
    const grown = heap() - base;
    const held = store.blobs.locationStats().cached;
    console.log(`| ${done.toLocaleString("en")} | ${held.toLocaleString("en")} | ${(grown / 2 ** 20).toFixed(1)} MiB | ${(grown / done).toFixed(1)} |`);
  }
  const held = store.blobs.locationStats().cached;
  console.log(`\nper location held: ${((heap() - base) / held).toFixed(0)} bytes`);
} finally {
  await store.close();
  const sql = postgres(values.meta, { max: 1, onnotice: () => {} });
  await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await sql.end();
}
