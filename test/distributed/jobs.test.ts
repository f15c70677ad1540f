// Sidecar jobs on a shared metadata store: a job's staging branch is leased to the gateway running it. While that
// gateway lives (renewing the lease) no other gateway takes the branch for a leftover, however long the job runs;
// once it is SIGKILLed mid-job, another gateway removes the staging branch after the lease has expired.
import { expect, test } from "bun:test";
import { gatewaysOnMoto, pgAvailable } from "../helpers/distributed.ts";

const LEASE_S = 3;
const skip = !(await pgAvailable());
const cluster = gatewaysOnMoto("jobs", skip, 2, ["--job-lease", `${LEASE_S}s`]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stagingBranches(url: string): Promise<string[]> {
  const { branches } = (await (await fetch(`${url}/_strata/branches?repo=photos`)).json()) as { branches: Array<{ branch: string }> };
  return branches.map((b) => b.branch).filter((b) => b.startsWith("job-"));
}

test.skipIf(skip)("a job's staging branch outlives many leases while its gateway runs, and goes after the lease once it is killed", async () => {
  const [runner, other] = cluster.gateways;
  expect((await fetch(`${runner.url}/photos`, { method: "PUT" })).status).toBe(200);
  expect((await fetch(`${runner.url}/photos/in.txt`, { method: "PUT", body: "input" })).status).toBe(200);
  const started = await fetch(`${runner.url}/_strata/jobs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ inputs: { src: "master.photos" }, output: "master.photos" }),
  });
  expect(started.status).toBe(201);
  const job = (await started.json()) as { id: string; port: number; staging: string };
  expect((await fetch(`http://127.0.0.1:${job.port}/out/made-by-job.txt`, { method: "PUT", body: "half done" })).status).toBe(200);

  // Three leases long, the job runs on: the other gateway (sweeping every third of a lease) leaves its branch alone.
  await sleep(3 * LEASE_S * 1000);
  expect(await stagingBranches(other.url)).toEqual([job.staging]);
  expect((await fetch(`http://127.0.0.1:${job.port}/out/still-running.txt`, { method: "PUT", body: "more" })).status).toBe(200);

  runner.proc.kill("SIGKILL");
  expect((await runner.exited).signal).toBe("SIGKILL");
  const killed = Date.now();
  let left = await stagingBranches(other.url);
  while (left.length && Date.now() - killed < 30_000) {
    await sleep(250);
    left = await stagingBranches(other.url);
  }
  expect(left).toEqual([]);
  // Only the job's own branch went: the output branch holds what it held, none of the dead job's writes.
  expect(await (await fetch(`${other.url}/photos/in.txt`)).text()).toBe("input");
  expect((await fetch(`${other.url}/photos/made-by-job.txt`)).status).toBe(404);
}, 120_000);
