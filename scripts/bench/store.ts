// Store benchmark (`npm run bench:store`): the figures issue 2 asks for, from one run.
// Env: BENCH_KEYS (1000000), BENCH_COMMITS (100000), BENCH_DEDUP_MIB (256), BENCH_BIG_GIB (4),
// BENCH_WRITES (2000 timed writes per size), BENCH_DIR (a scratch dir, removed at the end).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ObjectManifest } from "../../src/repo/model.ts";
import { RepoService } from "../../src/repo/service.ts";
import type { KeyWrite } from "../../src/repo/versioned-store.ts";
import { type LocalStore, Store } from "../../src/store/store.ts";

const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const KEYS = env("BENCH_KEYS", 1_000_000);
const COMMITS = env("BENCH_COMMITS", 100_000);
const DEDUP_MIB = env("BENCH_DEDUP_MIB", 256);
const BIG_GIB = env("BENCH_BIG_GIB", 4);
const WRITES = env("BENCH_WRITES", 2000);
const root = fs.mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), "strata-bench-"));
const MiB = 1024 * 1024;

const open = (name: string) => new RepoService(Store.open(path.join(root, name)));
const now = () => performance.now();
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/** Deterministic pseudo-random bytes, block by block (xorshift32 seeded by block number). */
function block(n: number, size = MiB, salt = 0): Uint8Array {
  const out = new Uint32Array(size / 4);
  let x = (n * 2654435761 + salt * 97 + 1) >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return new Uint8Array(out.buffer);
}
function generated(blocks: number, override?: (n: number) => Uint8Array | undefined): ReadableStream<Uint8Array> {
  let n = 0;
  return new ReadableStream({
    pull(c) {
      if (n >= blocks) return c.close();
      c.enqueue(override?.(n) ?? block(n));
      n++;
    },
  });
}

/** Fills a branch with `count` keys using large batched writes (one commit per 100k keys, in key order so a batch rewrites only its own leaves). */
async function fill(svc: RepoService, repo: string, count: number): Promise<void> {
  await svc.versions.createBranch(repo, "main");
  const body = new TextEncoder().encode("x".repeat(100));
  const { manifest } = await svc.putObject(repo, "main", "seed", body);
  for (let from = 0; from < count; from += 100_000) {
    const writes: KeyWrite[] = [];
    for (let i = from; i < Math.min(count, from + 100_000); i++) {
      writes.push({ key: `data/${String(i).padStart(8, "0")}.bin`, manifest, size: 100, etag: "e", time: Date.now() });
    }
    await svc.versions.write(repo, "main", writes);
  }
}

/** `total` single-key PUT-sized commits (4 KiB bodies) with `concurrency` writers; returns writes/s and fsyncs per write. */
async function putThroughput(svc: RepoService<LocalStore>, repo: string, total: number, concurrency: number): Promise<{ rate: number; fsyncs: number }> {
  let next = 0;
  const syncs = () => svc.store.blobs.stats().syncs + svc.store.refs.stats().syncs;
  const before = syncs();
  const start = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await svc.putObject(repo, "main", `new/${i}-${Math.random()}`, block(i, 4096, 7));
      }
    }),
  );
  return { rate: total / ((now() - start) / 1000), fsyncs: (syncs() - before) / total };
}

async function benchWrites(): Promise<void> {
  const svc = open("writes");
  let t = now();
  await fill(svc, "small", 1000);
  await fill(svc, "large", KEYS);
  console.log(`fill: ${KEYS} keys in ${fmt((now() - t) / 1000)} s`);
  await putThroughput(svc, "small", 200, 1); // warm-up: JIT and caches
  await putThroughput(svc, "large", 200, 1);
  for (const concurrency of [1, 32]) {
    const small = await putThroughput(svc, "small", WRITES, concurrency);
    const large = await putThroughput(svc, "large", WRITES, concurrency);
    console.log(
      `PUT commits, ${concurrency} writer(s): ${fmt(small.rate, 0)}/s at 1,000 keys, ${fmt(large.rate, 0)}/s at ${KEYS} keys ` +
        `(ratio ${fmt(large.rate / small.rate, 2)}); fsyncs per write ${fmt(small.fsyncs, 2)} / ${fmt(large.fsyncs, 2)}`,
    );
  }
  const head = svc.versions.headCommit("large", "main", "durable")!;
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const after = `data/${String(Math.floor(Math.random() * KEYS)).padStart(8, "0")}.bin`;
    t = now();
    const page = svc.versions.listKeys(svc.versions.snapshot("large", head.root, "durable"), { prefix: "data/", after, limit: 1000 });
    times.push(now() - t);
    if (page.entries.length === 0) throw new Error("empty page");
  }
  console.log(`list a 1000-key page at ${KEYS} keys: median ${fmt(median(times), 2)} ms, max ${fmt(Math.max(...times), 2)} ms`);
  await svc.close();
}

async function benchHistory(): Promise<void> {
  const svc = open("history");
  await svc.versions.createBranch("h", "main");
  const body = new TextEncoder().encode("first version");
  const first = await svc.putObject("h", "main", "target", body);
  const other = await svc.putObject("h", "main", "other", new Uint8Array(10));
  let t = now();
  let next = 1;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < COMMITS) {
        const i = next++;
        await svc.versions.write("h", "main", [{ key: `k${i % 5000}`, manifest: other.manifest, size: 10, etag: "e", time: i }]);
      }
    }),
  );
  console.log(`history: ${COMMITS} commits in ${fmt((now() - t) / 1000)} s`);
  const head = svc.versions.headCommit("h", "main", "durable")!.id;
  // What GET ?versionId= does: resolve the commit, check it is in the branch's history, find the key, read it.
  const readAt = async (commit: string) => {
    if (!svc.versions.inHistory("h", "main", commit)) throw new Error("not in history");
    return await svc.getObject("h", "main", "target", commit);
  };
  const time = async (commit: string) => {
    const xs: number[] = [];
    for (let i = 0; i < 500; i++) {
      t = now();
      await readAt(commit);
      xs.push(now() - t);
    }
    return median(xs);
  };
  await time(first.commit);
  await time(head);
  const atFirst = await time(first.commit);
  const atHead = await time(head);
  console.log(`read a key at the first of ${COMMITS} commits: ${fmt(atFirst * 1000, 0)} µs vs at head ${fmt(atHead * 1000, 0)} µs (ratio ${fmt(atFirst / atHead, 2)})`);
  await svc.close();
}

async function benchDedup(): Promise<void> {
  const dir = path.join(root, "dedup");
  const svc = open("dedup");
  await svc.versions.createBranch("d", "main");
  await svc.putObject("d", "main", "big", generated(DEDUP_MIB));
  await svc.store.flush();
  const before = dirBytes(dir);
  const middle = Math.floor(DEDUP_MIB / 2);
  await svc.putObject("d", "main", "big", generated(DEDUP_MIB, (n) => (n === middle ? block(n, MiB, 1) : undefined)));
  await svc.store.flush();
  const added = dirBytes(dir) - before;
  console.log(`dedup: second version of a ${DEDUP_MIB} MiB object with 1 MiB changed added ${fmt(added / MiB, 2)} MiB`);
  await svc.close();
}

async function benchBigObject(): Promise<void> {
  const svc = open("big");
  await svc.versions.createBranch("b", "main");
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t = now();
  const blocks = BIG_GIB * 1024;
  const { manifest } = await svc.putObject("b", "main", "huge", generated(blocks));
  clearInterval(sampler);
  const seconds = (now() - t) / 1000;
  const m: ObjectManifest = svc.manifests.get(manifest);
  console.log(`write a ${BIG_GIB} GiB object: ${fmt(seconds)} s (${fmt(blocks / seconds, 0)} MiB/s), ${m.chunks.length} chunks, peak RSS ${fmt(peak / MiB, 0)} MB`);
  await svc.close();
}

// Each section runs in a process of its own, so caches and heap left by one do not blur another's figures (RSS above all).
const sections: Record<string, () => Promise<void>> = { writes: benchWrites, history: benchHistory, dedup: benchDedup, big: benchBigObject };
const section = process.env.BENCH_SECTION;
try {
  if (section) await sections[section]();
  else {
    console.log(`strata store bench (scratch dir ${root})`);
    const only = process.env.BENCH_ONLY?.split(",") ?? Object.keys(sections);
    for (const name of only) {
      const child = spawnSync(process.execPath, [import.meta.filename], { stdio: "inherit", env: { ...process.env, BENCH_SECTION: name, BENCH_DIR: root } });
      if (child.status !== 0) throw new Error(`section ${name} failed`);
    }
  }
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
