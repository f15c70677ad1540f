// strata run: a shell command that uses the aws CLI against the job's private endpoint; its output lands on the
// output branch by a merge of its staging commit, so jobs writing one branch at once both land.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { binaryInEmptyFolder, tempDir } from "./helpers.ts";
import { type Result, run } from "../helpers/process.ts";

let server: StrataServer;
let bin: string;
let binDir: string;
let work: string;

beforeAll(async () => {
  server = await withServer();
  ({ dir: binDir, bin } = await binaryInEmptyFolder());
  work = tempDir();
}, 120_000);

afterAll(async () => {
  await server.stop();
  fs.rmSync(binDir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

// The job's shell needs the aws CLI (from PATH) and a HOME for it; credentials come from strata run.
const strata = (args: string[]): Promise<Result> =>
  run(bin, args, { cwd: work, env: { PATH: process.env.PATH, HOME: process.env.HOME, STRATA_SERVER: server.url, STRATA_BIN: bin, AWS_EC2_METADATA_DISABLED: "true" } });

async function json<T = any>(...args: string[]): Promise<T> {
  const r = await strata([...args, "--json"]);
  if (r.code !== 0) throw new Error(`strata ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const keys = async (ref: string) => (await json("ls", ref, "-r")).objects.map((o: { key: string }) => o.key);

test("inputs are pinned read-only buckets; the output commit is the branch as it was plus what the job wrote", async () => {
  const src = path.join(work, "src"); // the job's shell runs in `work`: relative paths below start there
  fs.mkdirSync(path.join(src, "sub"), { recursive: true });
  fs.writeFileSync(path.join(src, "a.txt"), "alpha");
  fs.writeFileSync(path.join(src, "sub", "b.txt"), "beta");
  await json("branch", "create", "master.photos");
  await json("put", src, "master.photos/");
  await json("branch", "create", "master.labels");
  await json("put", path.join(src, "a.txt"), "master.labels/labels.txt");
  const labelsCommit = (await json("commit", "inspect", "master.labels")).id;
  await json("branch", "create", "master.results");
  await json("put", path.join(src, "a.txt"), "master.results/from-before.txt");
  const before = (await json("commit", "inspect", "master.results")).id;

  const script = [
    "set -e",
    'test -n "$S3_ENDPOINT"',
    // out shows the output branch as it was when the job started
    'test "$(aws --endpoint-url "$S3_ENDPOINT" s3 ls --recursive s3://out | wc -l)" -eq 1',
    'aws s3 ls s3://out/from-before.txt > /dev/null',
    // ListBuckets with the job's credentials shows the job's buckets only, not the server's other repos
    'aws s3api list-buckets --query "Buckets[].Name" --output text > buckets.txt',
    'aws --endpoint-url "$S3_ENDPOINT" s3 cp --recursive s3://pics s3://out/copied/ --only-show-errors',
    'aws s3 cp s3://labels/labels.txt s3://out/labels.txt --only-show-errors', // AWS_ENDPOINT_URL is set too
    // pinned: a commit made to the input's branch meanwhile is not seen
    'env -u AWS_ACCESS_KEY_ID "$STRATA_BIN" put src/sub/b.txt master.photos/late.txt > /dev/null',
    'if aws s3 ls s3://pics/late.txt; then echo "input not pinned"; exit 8; fi',
    // writes to an input and bucket management are refused
    'if aws s3 cp s3://labels/labels.txt s3://pics/new.txt 2> input-write.err; then echo "input write succeeded"; exit 9; fi',
    'if aws s3 mb s3://another 2> mb.err; then exit 10; fi',
    'if aws s3 rb s3://out 2> rb.err; then exit 11; fi',
  ].join("\n");
  const r = await strata([
    "run", "--input", "pics=master.photos", "--input", `labels=${labelsCommit}.labels`, "--output", "master.results",
    "-m", "copy job", "--meta", "pipeline=copy", "--meta", "run=1", "--json", "--", "sh", "-c", script,
  ]);
  expect(r.code).toBe(0);
  const result = JSON.parse(r.stdout);
  expect(result.exitCode).toBe(0);
  expect(result.inputs.labels.commit).toBe(labelsCommit);
  expect(fs.readFileSync(path.join(work, "buckets.txt"), "utf8").trim().split(/\s+/)).toEqual(["labels", "out", "pics"]);
  expect(fs.readFileSync(path.join(work, "input-write.err"), "utf8")).toContain("NotImplemented");
  expect(fs.readFileSync(path.join(work, "mb.err"), "utf8")).toContain("NotImplemented");
  expect(fs.readFileSync(path.join(work, "rb.err"), "utf8")).toContain("NotImplemented");

  // Nothing landed on the branch meanwhile: it moved to the job's commit, the previous head plus the job's writes.
  expect(result).toMatchObject({ merge: "fast-forward", staged: result.commit });
  const commit = await json("commit", "inspect", "master.results");
  expect(commit).toMatchObject({ id: result.commit, parent: before, message: "copy job", author: "anonymous", meta: { pipeline: "copy", run: "1" }, objects: 4 });
  expect(await keys("master.results")).toEqual(["copied/a.txt", "copied/sub/b.txt", "from-before.txt", "labels.txt"]);
  expect((await strata(["get", "master.results/copied/sub/b.txt", "-"])).stdout).toBe("beta");
  expect(await keys("master.photos")).toEqual(["a.txt", "late.txt", "sub/b.txt"]);
  // The staging branch is gone with the job.
  expect((await json("branch", "list", "results")).branches.map((b: { ref: string }) => b.ref)).toEqual(["master.results"]);
}, 90_000);

test("a failing command leaves the output branch unchanged and passes its exit code on", async () => {
  await json("branch", "create", "master.failing");
  const head = (await json("put", path.join(work, "src", "a.txt"), "master.failing/kept.txt")).commit;
  const r = await strata(["run", "--input", "pics=master.photos", "--output", "master.failing", "--", "sh", "-c", "aws s3 cp s3://pics/a.txt s3://out/partial.txt --only-show-errors && exit 7"]);
  expect(r.code).toBe(7);
  expect(r.stderr).toContain("output commit dropped");
  const { branches } = await json("branch", "list", "failing");
  expect(branches).toEqual([expect.objectContaining({ ref: "master.failing", head })]);
  expect(branches[0].open).toBeUndefined();
  expect(await keys("master.failing")).toEqual(["kept.txt"]);
  // A command that cannot start counts as failing too.
  expect((await strata(["run", "--output", "master.failing", "--", "/no/such/command"])).code).toBe(127);
  expect((await json("commit", "inspect", "master.failing")).id).toBe(head);
}, 60_000);

/** A job script that writes `content` to s3://out/`key`, and when `meanwhile` is given runs it (a shell line) before exiting. */
const writes = (key: string, content: string, meanwhile = "true") => `set -e; printf %s '${content}' | aws s3 cp - s3://out/${key} --only-show-errors; ${meanwhile}`;

/** A shell line writing `content` to `ref/key` on the main server while the job runs (not through the job). */
const directPut = (ref: string, key: string, content: string) =>
  `printf %s '${content}' > direct.tmp; env -u AWS_ACCESS_KEY_ID "$STRATA_BIN" put direct.tmp ${ref}/${key} > /dev/null`;

const get = async (ref: string) => (await strata(["get", ref, "-"])).stdout;

/** Writes `content` to ref/key through the main server. */
async function put(refKey: string, content: string): Promise<void> {
  const file = path.join(work, "put.tmp");
  fs.writeFileSync(file, content);
  await json("put", file, refKey);
}

test("a key the output branch changed too while the job ran: --strategy fail fails the job, lists it and leaves the branch", async () => {
  await json("branch", "create", "master.clash");
  await put("master.clash/k.txt", "alpha");
  const script = writes("k.txt", "from the job", `${directPut("master.clash", "k.txt", "from outside")}; printf %s more | aws s3 cp - s3://out/other.txt`);
  const r = await strata(["run", "--output", "master.clash", "--", "sh", "-c", script]);
  expect(r.code).toBe(4);
  const head = (await json("commit", "inspect", "master.clash")).id;
  // Every conflicting key is listed with the version each side has.
  expect(r.stderr).toMatch(/1 key changed differently by this job and on master\.clash since it started; master\.clash unchanged/);
  // (the conflict table of strata merge: merge-conflicts.test.ts)
  expect(r.stderr).toMatch(/\n\nKEY +BASE +SOURCE \(job [0-9a-f]{16}\) +DEST \(master\.clash\)\n/);
  expect(r.stderr).toMatch(new RegExp(`\\nk\\.txt +5 B, version [0-9a-f]{32} +12 B, version [0-9a-f]{32} +12 B, version ${head}\\n`));
  expect(await keys("master.clash")).toEqual(["k.txt"]);
  expect(await get("master.clash/k.txt")).toBe("from outside");
  expect((await json("branch", "list", "clash")).branches.map((b: { ref: string }) => b.ref)).toEqual(["master.clash"]);

  // --json gives the conflicts as the admin API lists them.
  const again = await strata(["run", "--output", "master.clash", "--json", "--", "sh", "-c", writes("k.txt", "from the job", directPut("master.clash", "k.txt", "outside again"))]);
  expect(again.code).toBe(4);
  const outcome = JSON.parse(again.stdout);
  expect(outcome).toMatchObject({ exitCode: 4, commit: null, conflicts: [{ key: "k.txt", source: { size: 12 }, dest: { size: 13 } }] });
  expect(outcome.staged).toMatch(/^[0-9a-f]{32}$/);
  expect(await get("master.clash/k.txt")).toBe("outside again");
  // The failed job's commit stays in the repo: the merge its message suggests takes it.
  expect(again.stderr).toContain(`strata merge ${outcome.staged}.clash master.clash --strategy source-wins`);
  expect((await strata(["merge", `${outcome.staged}.clash`, "master.clash", "--strategy", "source-wins"])).code).toBe(0);
  expect(await get("master.clash/k.txt")).toBe("from the job");
}, 90_000);

test("--strategy source-wins takes the job's version of a conflicting key, dest-wins keeps the branch's; both merge the rest", async () => {
  await json("branch", "create", "master.strategies");
  await put("master.strategies/k.txt", "alpha");
  const job = (tag: string) => writes(`${tag}.txt`, tag, `printf %s job-${tag} | aws s3 cp - s3://out/k.txt; ${directPut("master.strategies", "k.txt", `branch-${tag}`)}`);

  const source = await strata(["run", "--output", "master.strategies", "--strategy", "source-wins", "-m", "mine", "--json", "--", "sh", "-c", job("s")]);
  expect(source.code).toBe(0);
  expect(JSON.parse(source.stdout)).toMatchObject({ exitCode: 0, merge: "merged" });
  expect(await get("master.strategies/k.txt")).toBe("job-s");
  // The merge commit records the job's message and author, and has the branch's head and the job's commit as parents.
  const merge = await json("commit", "inspect", "master.strategies");
  expect(merge).toMatchObject({ id: JSON.parse(source.stdout).commit, message: expect.stringContaining("mine"), author: "anonymous" });
  expect(merge.parents).toEqual([expect.any(String), JSON.parse(source.stdout).staged]);

  const dest = await strata(["run", "--output", "master.strategies", "--strategy", "dest-wins", "--", "sh", "-c", job("d")]);
  expect(dest.code).toBe(0);
  expect(await get("master.strategies/k.txt")).toBe("branch-d");
  expect(await keys("master.strategies")).toEqual(["d.txt", "k.txt", "s.txt"]);
}, 90_000);

/** Two jobs on one output branch at once: each writes, then waits until the other has written too. */
async function runTogether(output: string, a: { key: string; content: string }, b: { key: string; content: string }): Promise<[Result, Result]> {
  const barrier = path.join(work, `barrier-${output}`);
  fs.mkdirSync(barrier, { recursive: true });
  const wait = (me: string, other: string) => `touch ${barrier}/${me}; n=0; while [ ! -e ${barrier}/${other} ]; do n=$((n+1)); [ $n -lt 600 ] || exit 9; sleep 0.1; done`;
  return await Promise.all([
    strata(["run", "--output", output, "--json", "--", "sh", "-c", writes(a.key, a.content, wait("a", "b"))]),
    strata(["run", "--output", output, "--json", "--", "sh", "-c", writes(b.key, b.content, wait("b", "a"))]),
  ]);
}

test("two jobs on one output branch at once both land when they write different keys", async () => {
  await json("branch", "create", "master.together");
  await put("master.together/before.txt", "alpha");
  const [a, b] = await runTogether("master.together", { key: "a.txt", content: "A" }, { key: "b.txt", content: "B" });
  expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, expect.any(String), expect.any(String)]);
  expect([JSON.parse(a.stdout).merge, JSON.parse(b.stdout).merge].sort()).toEqual(["fast-forward", "merged"]);
  expect(await keys("master.together")).toEqual(["a.txt", "b.txt", "before.txt"]);
  expect([await get("master.together/a.txt"), await get("master.together/b.txt")]).toEqual(["A", "B"]);
  const { branches } = await json("branch", "list", "together");
  expect(branches.map((b: { ref: string; open?: string }) => [b.ref, b.open])).toEqual([["master.together", undefined]]);
}, 90_000);

test("two jobs on one output branch at once writing one key differently: one lands, the other fails listing the key", async () => {
  await json("branch", "create", "master.rivals");
  const results = await runTogether("master.rivals", { key: "same.txt", content: "first" }, { key: "same.txt", content: "second" });
  expect(results.map((r) => r.code).sort()).toEqual([0, 4]);
  const winner = results.find((r) => r.code === 0)!;
  const loser = results.find((r) => r.code === 4)!;
  expect(loser.stderr).toMatch(/\nsame\.txt +\(absent\) +\d+ B, version [0-9a-f]{32} +\d+ B, version [0-9a-f]{32}\n/);
  expect(JSON.parse(loser.stdout).conflicts.map((k: { key: string }) => k.key)).toEqual(["same.txt"]);
  expect((await json("commit", "inspect", "master.rivals")).id).toBe(JSON.parse(winner.stdout).commit);
  expect(await get("master.rivals/same.txt")).toBe(results[0] === winner ? "first" : "second");
}, 90_000);

test("with auth on, ListBuckets with the job's own key shows only its buckets, and its commit's author is the runner", async () => {
  const secured = await withServer({ auth: true });
  try {
    const admin = { AWS_ACCESS_KEY_ID: secured.adminToken!, AWS_SECRET_ACCESS_KEY: secured.adminToken! };
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, STRATA_SERVER: secured.url, AWS_EC2_METADATA_DISABLED: "true", ...admin };
    const as = (args: string[]) => run(bin, args, { cwd: work, env });
    for (const ref of ["master.inputs", "master.outputs", "master.elsewhere"]) expect((await as(["branch", "create", ref])).code).toBe(0);
    fs.writeFileSync(path.join(work, "input.txt"), "in");
    expect((await as(["put", "input.txt", "master.inputs/input.txt"])).code).toBe(0);
    // The job's shell has the job's key, not the admin's: botocore signs with it.
    const script = [
      "set -e",
      'case "$AWS_ACCESS_KEY_ID" in job-*) ;; *) exit 8 ;; esac',
      'aws s3api list-buckets --query "Buckets[].Name" --output text > secured-buckets.txt',
      "printf %s done | aws s3 cp - s3://out/done.txt --only-show-errors",
    ].join("\n");
    const r = await as(["run", "--input", "src=master.inputs", "--output", "master.outputs", "--json", "--", "sh", "-c", script]);
    expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
    expect(fs.readFileSync(path.join(work, "secured-buckets.txt"), "utf8").trim().split(/\s+/)).toEqual(["out", "src"]);
    const commit = JSON.parse((await as(["commit", "inspect", "master.outputs", "--json"])).stdout);
    expect(commit).toMatchObject({ id: JSON.parse(r.stdout).commit, author: "admin" });
  } finally {
    await secured.stop();
  }
}, 90_000);

test("a protected output branch takes a job's output: it lands by merge", async () => {
  await json("branch", "create", "master.guarded");
  await put("master.guarded/old.txt", "old");
  expect((await strata(["branch", "protect", "master.guarded"])).code).toBe(0);
  expect((await strata(["put", path.join(work, "put.tmp"), "master.guarded/direct.txt"])).code).toBe(6);
  const r = await strata(["run", "--output", "master.guarded", "--", "sh", "-c", writes("new.txt", "new")]);
  expect(r.code).toBe(0);
  expect(await keys("master.guarded")).toEqual(["new.txt", "old.txt"]);
}, 60_000);

test("usage errors: no command, no output, bad input, unknown input ref", async () => {
  expect((await strata(["run", "--output", "master.failing"])).code).toBe(2);
  expect((await strata(["run", "--", "true"])).code).toBe(2);
  expect((await strata(["run", "--input", "noequals", "--output", "master.failing", "--", "true"])).code).toBe(2);
  expect((await strata(["run", "--input", "out=master.photos", "--output", "master.failing", "--", "true"])).code).toBe(2);
  expect((await strata(["run", "--input", "x1y=master.nosuch", "--output", "master.failing", "--", "true"])).code).toBe(3);
  expect((await strata(["run", "--strategy", "ours", "--output", "master.failing", "--", "true"])).code).toBe(2);
  expect((await strata(["run", "--meta", "novalue", "--output", "master.failing", "--", "true"])).code).toBe(2);
});
