// PostgreSQL restarted for real in the middle of concurrent writes through two gateways: requests in flight fail
// with 503 (never acknowledged, never half-applied), the gateways reconnect by themselves, and every write they
// acknowledged, before or after, is there. It restarts the server the tests use (the machine's shared one unless
// STRATA_TEST_PG names another), so it runs in CI (.ci/run sets STRATA_TEST_PG_RESTART=1) or when asked, not in
// every local `npm test`.
import { beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { run } from "../helpers/process.ts";
import { gatewayArgs, gatewaysOnMoto, PG_URL, pgAvailable, strataCli } from "../helpers/distributed.ts";

const LOAD = path.join(import.meta.dir, "load.py");
const wanted = process.env.STRATA_TEST_PG_RESTART === "1";
const skip = !wanted || !fs.existsSync("/etc/postgresql") || !(await pgAvailable());
const cluster = gatewaysOnMoto("pgr", skip);
const { gateways } = cluster;

beforeAll(async () => {
  if (skip) return;
  expect((await fetch(`${gateways[0].url}/photos`, { method: "PUT" })).status).toBe(200);
});

/** Restarts the cluster the tests use (the one listening on PG_URL's port: `main` unless STRATA_TEST_PG says otherwise). */
async function restartPostgres(): Promise<void> {
  const port = new URL(PG_URL).port || "5432";
  const clusters = (await run("pg_lsclusters", ["--no-header"])).stdout.trim().split("\n").map((l) => l.split(/\s+/));
  const cluster = clusters.find((c) => c[2] === port);
  if (!cluster) throw new Error(`no PostgreSQL cluster of this machine listens on port ${port}`);
  const r = await run("pg_ctlcluster", ["--skip-systemctl-redirect", cluster[0], cluster[1], "restart", "-m", "fast"]);
  if (r.code !== 0) throw new Error(`pg_ctlcluster restart failed: ${r.stderr}`);
}

test.skipIf(skip)("PostgreSQL restarted mid-load: no acknowledged write lost, failures are 503, service resumes", async () => {
  const lines: Array<{ ack?: string; sha?: string; fail?: string; error?: string }> = [];
  let restarted = false;
  await new Promise<void>((resolve, reject) => {
    const child = spawn("python3", [LOAD, "load", "photos", gateways.map((g) => g.url).join(","), "4", "40"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (!restarted && out.split("\n").filter((l) => l.includes('"ack"')).length >= 20) {
        restarted = true;
        restartPostgres().catch(reject);
      }
    });
    child.on("close", () => {
      for (const l of out.split("\n").slice(0, -1)) lines.push(JSON.parse(l));
      resolve();
    });
  });
  expect(restarted).toBe(true);
  for (const f of lines.filter((l) => l.fail)) expect(["ServiceUnavailable", "SlowDown"]).toContain(f.error!);
  const acks = lines.filter((l) => l.ack);
  expect(acks.length).toBeGreaterThan(20);
  for (const gw of gateways) {
    for (const a of acks) {
      let res = await fetch(`${gw.url}/photos/${a.ack}`);
      for (let i = 0; res.status === 503 && i < 100; i++) res = await new Promise((r) => setTimeout(r, 100)).then(() => fetch(`${gw.url}/photos/${a.ack}`));
      expect(res.status).toBe(200);
      expect(new Bun.CryptoHasher("sha256").update(new Uint8Array(await res.arrayBuffer())).digest("hex")).toBe(a.sha!);
    }
  }
  // A write answered 503 is not half-applied: its key is absent, or (the commit landed, its answer was lost with the
  // connection) holds its bytes whole. Each key is written once.
  for (const f of lines.filter((l) => l.fail)) {
    const res = await fetch(`${gateways[0].url}/photos/${f.fail}`);
    if (res.status === 404) continue;
    expect(res.status).toBe(200);
    expect(new Bun.CryptoHasher("sha256").update(new Uint8Array(await res.arrayBuffer())).digest("hex")).toBe(f.sha!);
  }
  expect((await fetch(`${gateways[1].url}/photos/after`, { method: "PUT", body: "ok" })).status).toBe(200);
  const fsck = await strataCli(["fsck", ...gatewayArgs(cluster.schema.url(), cluster.objects, "pgr"), "--json"]);
  expect(JSON.parse(fsck.stdout)).toMatchObject({ ok: true, problems: [] });
}, 240_000);
