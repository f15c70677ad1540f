// `npm run bench:startup`: spawn → first answered request of the real server on a data dir with 1M keys in
// 1,000 sealed packs (issue 20's start-up goal: under 500 ms), beside the same on an empty dir.
//
// The data dir is built once through the store layer (no HTTP: batches of 1,000 keys per commit, small packs so
// that they number ~1,000) and cached under .bench/startup-<keys>-<packs>/; delete it to build it again.
// Each start is measured as wall time from spawn to the first answer (a HEAD of a key: the tree is read) and as
// the server's CPU time (/proc, every thread) at that moment, which a loaded machine moves much less.
//
//   bun scripts/bench/startup.ts [--keys 1000000] [--packs 1000] [--runs 5] [--strata-bin PATH] [--source]
//   (--source: run `bun src/main.ts` instead of the compiled binary)
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { bytesManifest } from "../../src/repo/object-records.ts";
import { RepoService } from "../../src/repo/service.ts";
import type { KeyWrite } from "../../src/repo/versioned-store.ts";
import { Store } from "../../src/store/store.ts";
import { treeCpuMicros } from "./cpu.ts";
import { freePort, launch, timeToFirstAnswer } from "./launch.ts";
import { DEFAULT_STRATA_BINARY, REPO_ROOT } from "./targets.ts";

const { values } = parseArgs({
  options: {
    keys: { type: "string", default: "1000000" },
    packs: { type: "string", default: "1000" },
    runs: { type: "string", default: "5" },
    "strata-bin": { type: "string", default: DEFAULT_STRATA_BINARY },
    source: { type: "boolean", default: false },
  },
});
const KEYS = Number(values.keys);
const PACKS = Number(values.packs);
const RUNS = Number(values.runs);
const BATCH = 1000;
const REPO = "startup";
const keyOf = (i: number) => `data/${String(i).padStart(8, "0")}.bin`;

/**
 * Each key its own 64-byte object (a chunk and a manifest), written BATCH keys per commit. The pack limit is
 * the data's expected size over PACKS: ~360 bytes of chunk and manifest records per key plus ~150 of tree nodes.
 */
async function build(dir: string): Promise<void> {
  const packLimit = Math.max(64 * 1024, Math.floor((KEYS * 510) / PACKS));
  const svc = new RepoService(Store.open(dir, { packLimit }));
  const started = performance.now();
  try {
    await svc.versions.createBranch(REPO, "main"); // creates the repo too
    for (let from = 0; from < KEYS; from += BATCH) {
      const writes: KeyWrite[] = [];
      for (let i = from; i < Math.min(KEYS, from + BATCH); i++) {
        const body = new TextEncoder().encode(`${keyOf(i)} `.repeat(4).slice(0, 64));
        const manifest = bytesManifest(await svc.ingest(body), "sha256", {});
        writes.push({ key: keyOf(i), manifest: svc.manifests.put(manifest), size: manifest.size, etag: manifest.etag, time: manifest.time });
      }
      await svc.versions.write(REPO, "main", writes);
      if (from % 100_000 === 0) process.stdout.write(` ${from / 1000}k`);
    }
  } finally {
    await svc.close();
  }
  const packs = fs.readdirSync(path.join(dir, "packs")).filter((n) => n.endsWith(".idx")).length;
  console.log(`\nbuilt ${KEYS} keys, ${packs} sealed packs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}


async function startOnce(dataDir: string, probe: string): Promise<{ wallMs: number; cpuMs: number }> {
  const port = await freePort();
  const serve = ["serve", "--port", String(port), "--data-dir", dataDir, "--quiet"];
  const argv = values.source ? [process.execPath, path.join(REPO_ROOT, "src/main.ts"), ...serve] : [values["strata-bin"]!, ...serve];
  const server = launch(argv, { logPath: path.join(REPO_ROOT, ".bench", "startup.log") });
  try {
    const url = `http://127.0.0.1:${port}${probe}`;
    const wallMs = await timeToFirstAnswer(server, url, { pollMs: 2 });
    const cpuMs = treeCpuMicros(server.pid) / 1000;
    const again = await fetch(url);
    if (again.status !== 200) throw new Error(`${probe} answered ${again.status}: the first answer was not the object`);
    await again.arrayBuffer();
    return { wallMs, cpuMs };
  } finally {
    await server.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label: string, dataDir: string, probe: string): Promise<void> {
  await startOnce(dataDir, probe); // warm the page cache and the binary
  const runs: Array<{ wallMs: number; cpuMs: number }> = [];
  for (let i = 0; i < RUNS; i++) runs.push(await startOnce(dataDir, probe));
  const wall = runs.map((r) => r.wallMs);
  const cpu = runs.map((r) => r.cpuMs);
  console.log(
    `${label}: spawn → first answer median ${median(wall).toFixed(0)} ms (min ${Math.min(...wall).toFixed(0)}), ` +
      `server CPU by then median ${median(cpu).toFixed(0)} ms (min ${Math.min(...cpu).toFixed(0)}), ${RUNS} runs`,
  );
}

const dir = path.join(REPO_ROOT, ".bench", `startup-${KEYS}-${PACKS}`);
if (!fs.existsSync(path.join(dir, "built"))) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  process.stdout.write(`building ${dir}:`);
  await build(dir);
  fs.writeFileSync(path.join(dir, "built"), "");
}
const empty = fs.mkdtempSync(path.join(REPO_ROOT, ".bench", "startup-empty-"));
try {
  await measure("empty data dir", empty, "/healthz");
  await measure(`${KEYS} keys, ${fs.readdirSync(path.join(dir, "packs")).filter((n) => n.endsWith(".idx")).length} sealed packs`, dir, `/main.${REPO}/${keyOf(KEYS >> 1)}`);
} finally {
  fs.rmSync(empty, { recursive: true, force: true });
}
