// PostgreSQL restarted for real in the middle of concurrent writes through two gateways: requests in flight fail
// with 503 (never acknowledged, never half-applied), the gateways reconnect by themselves, and every write they
// acknowledged, before or after, is there. It restarts the server the tests use (the machine's shared one unless
// STRATA_TEST_PG names another), so it runs in CI (.ci/run sets STRATA_TEST_PG_RESTART=1) or when asked, not in
// every local `npm test`.
import { beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import { run } from "../helpers/process.ts";
import { expectAcksReadBack, expectFailedWritesNotHalfApplied, loadWithDisruption, OUTAGE_CODES } from "../helpers/load-disruption.ts";
import { gatewayArgs, gatewaysOnMoto, PG_URL, pgAvailable, strataCli } from "../helpers/distributed.ts";

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
  const lines = await loadWithDisruption(gateways.map((g) => g.url), "photos", { writers: 4, each: 40, after: 20 }, restartPostgres);
  const failed = lines.filter((l) => l.fail);
  for (const f of failed) expect(OUTAGE_CODES).toContain(f.error!);
  const acks = lines.filter((l) => l.ack);
  expect(acks.length).toBeGreaterThan(20);
  for (const gw of gateways) await expectAcksReadBack(gw.url, "photos", acks);
  // A write whose connection to PostgreSQL broke at its commit may have landed with its answer lost.
  await expectFailedWritesNotHalfApplied(gateways[0].url, "photos", failed, true);
  expect((await fetch(`${gateways[1].url}/photos/after`, { method: "PUT", body: "ok" })).status).toBe(200);
  const fsck = await strataCli(["fsck", ...gatewayArgs(cluster.schema.url(), cluster.objects, "pgr"), "--json"]);
  expect(JSON.parse(fsck.stdout)).toMatchObject({ ok: true, problems: [] });
}, 240_000);
