// strata run: a shell command that uses the aws CLI against the job's private endpoint.
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

test("inputs are pinned read-only buckets; the output commit holds exactly what the job wrote", async () => {
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
    // out starts empty, though the output branch already holds from-before.txt
    'test -z "$(aws --endpoint-url "$S3_ENDPOINT" s3 ls --recursive s3://out)"',
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
  const r = await strata(["run", "--input", "pics=master.photos", "--input", `labels=${labelsCommit}.labels`, "--output", "master.results", "-m", "copy job", "--json", "--", "sh", "-c", script]);
  expect(r.code).toBe(0);
  const result = JSON.parse(r.stdout);
  expect(result.exitCode).toBe(0);
  expect(result.inputs.labels.commit).toBe(labelsCommit);
  expect(fs.readFileSync(path.join(work, "input-write.err"), "utf8")).toContain("NotImplemented");
  expect(fs.readFileSync(path.join(work, "mb.err"), "utf8")).toContain("NotImplemented");
  expect(fs.readFileSync(path.join(work, "rb.err"), "utf8")).toContain("NotImplemented");

  // The finished commit holds exactly the job's writes, on top of the previous head.
  const commit = await json("commit", "inspect", "master.results");
  expect(commit).toMatchObject({ id: result.commit, parent: before, message: "copy job", objects: 3 });
  expect(await keys("master.results")).toEqual(["copied/a.txt", "copied/sub/b.txt", "labels.txt"]);
  expect((await strata(["get", "master.results/copied/sub/b.txt", "-"])).stdout).toBe("beta");
  expect(await keys("master.photos")).toEqual(["a.txt", "late.txt", "sub/b.txt"]);
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

test("usage errors: no command, no output, bad input, unknown input ref", async () => {
  expect((await strata(["run", "--output", "master.failing"])).code).toBe(2);
  expect((await strata(["run", "--", "true"])).code).toBe(2);
  expect((await strata(["run", "--input", "noequals", "--output", "master.failing", "--", "true"])).code).toBe(2);
  expect((await strata(["run", "--input", "out=master.photos", "--output", "master.failing", "--", "true"])).code).toBe(2);
  expect((await strata(["run", "--input", "x1y=master.nosuch", "--output", "master.failing", "--", "true"])).code).toBe(3);
});
