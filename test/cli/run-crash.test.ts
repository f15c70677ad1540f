// strata run when the server dies under a running job (kill -9): the next start removes the job's staging branch,
// and only branches the server marked as a job's, never a user's branch that is merely named job-something.
import { afterEach, expect, test } from "bun:test";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, run, type ServerProcess, startServerProcess } from "../helpers/process.ts";
import { BIN_DIR, ROOT, tempDir } from "./helpers.ts";

const BUN = path.join(BIN_DIR, "bun");
const MAIN = path.join(ROOT, "src/main.ts");
const ENV = { PATH: process.env.PATH!, HOME: process.env.HOME! };

const processes: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of processes.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function serve(dataDir: string, port: number): Promise<ServerProcess> {
  const server = await startServerProcess(BUN, [MAIN, "serve", "--quiet", "--port", String(port), "--data-dir", dataDir], { port, env: ENV });
  processes.push(server.proc);
  return server;
}

async function strata(url: string, args: string[], cwd: string): Promise<any> {
  const r = await run(BUN, [MAIN, ...args, "--json"], { cwd, env: { ...ENV, STRATA_SERVER: url } });
  if (r.code !== 0) throw new Error(`strata ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const branchNames = async (url: string, cwd: string): Promise<string[]> =>
  (await strata(url, ["branch", "list", "results"], cwd)).branches.map((b: { ref: string }) => b.ref).sort();

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("kill -9 during a job: the restarted server removes its staging branch; the output branch is untouched and writable", async () => {
  const dataDir = tempDir();
  const work = tempDir();
  dirs.push(dataDir, work);
  const port = await freePort();
  let server = await serve(dataDir, port);
  fs.writeFileSync(path.join(work, "a.txt"), "alpha");
  await strata(server.url, ["branch", "create", "master.results"], work);
  await strata(server.url, ["put", "a.txt", "master.results/a.txt"], work);
  const head = (await strata(server.url, ["commit", "inspect", "master.results"], work)).id;
  // a user's branch with a staging branch's name: not a job's, so it stays
  await strata(server.url, ["branch", "create", "job-0123456789abcdef.results"], work);

  // The job writes into its staging commit, then blocks until the server is gone.
  const job = spawn(BUN, [MAIN, "run", "--output", "master.results", "--", "sh", "-c", 'aws s3 cp a.txt s3://out/b.txt --only-show-errors && touch started && sleep 60'], {
    cwd: work,
    env: { ...ENV, STRATA_SERVER: server.url, AWS_EC2_METADATA_DISABLED: "true" },
    stdio: "ignore",
  });
  processes.push(job);
  await until("the job to start", () => fs.existsSync(path.join(work, "started")));
  const running = await branchNames(server.url, work);
  const staging = running.find((b) => /^job-[0-9a-f]{16}\.results$/.test(b));
  expect(staging).toBeDefined();

  server.proc.kill("SIGKILL");
  await server.exited;
  job.kill("SIGTERM"); // strata run passes it on to the job's command, then can't reach the server to drop the job
  await until("strata run to exit", () => job.exitCode !== null || job.signalCode !== null);

  server = await serve(dataDir, port);
  expect(await branchNames(server.url, work)).toEqual(["job-0123456789abcdef.results", "master.results"]);
  expect((await strata(server.url, ["commit", "inspect", "master.results"], work)).id).toBe(head);
  expect((await strata(server.url, ["ls", "master.results", "-r"], work)).objects.map((o: { key: string }) => o.key)).toEqual(["a.txt"]);
  await strata(server.url, ["put", "a.txt", "master.results/c.txt"], work);
  expect((await strata(server.url, ["ls", "master.results", "-r"], work)).objects.map((o: { key: string }) => o.key)).toEqual(["a.txt", "c.txt"]);
}, 120_000);
