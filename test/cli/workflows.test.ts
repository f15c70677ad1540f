// Branch workflows through the built binary against a running server: merge (clean, conflicts listed with both
// sides' versions and exit 4, strategies, dry runs), revert, tags, protected branches, commit messages and
// metadata in log and commit inspect; the results read back through S3 (the JS SDK) on the branch and as commit buckets.
import { expect, test } from "bun:test";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { objectText, sdkClient } from "../helpers/sdk.ts";
import { binaryAndServer } from "./helpers.ts";

const t = binaryAndServer();
const { strata, json } = t;

const s3 = () => sdkClient(t.server.url);

/** Writes through S3; resolves to the version id (the commit that wrote it). */
async function put(bucket: string, key: string, body: string): Promise<string> {
  return (await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))).VersionId!;
}

const get = (bucket: string, key: string) => objectText(s3(), bucket, key);

const head = async (ref: string): Promise<string> => (await json("commit", "inspect", ref)).id;

/** A repo with master holding a.txt and b.txt, and dev branched from it. */
async function fresh(repo: string): Promise<void> {
  await json("repo", "create", repo);
  await put(`master.${repo}`, "a.txt", "a");
  await put(`master.${repo}`, "b.txt", "b");
  await json("branch", "create", `dev.${repo}`, "--from", "master");
}

test("merge: one commit with both parents, message, meta and author, shown by log and commit inspect; readable through S3", async () => {
  await fresh("m1");
  await put("dev.m1", "c.txt", "from dev");
  await put("master.m1", "b.txt", "b on master");
  const masterHead = await head("master.m1");
  const devHead = await head("dev.m1");

  const human = await strata(["merge", "dev.m1", "master.m1", "-m", "land dev", "--meta", "ticket=T-1", "--meta", "by=ci"]);
  expect(human.code).toBe(0);
  expect(human.stdout).toMatch(/^merged dev\.m1 into master\.m1 as commit [0-9a-f]{32} \(1 key\(s\) changed\)\n$/);
  const merge = await head("master.m1");

  const inspect = await json("commit", "inspect", `${merge}.m1`);
  expect(inspect).toMatchObject({ parents: [masterHead, devHead], message: "land dev", author: "anonymous", meta: { ticket: "T-1", by: "ci" } });
  const shown = await strata(["commit", "inspect", "master.m1"]);
  expect(shown.stdout).toContain(`parents  ${masterHead} ${devHead} (a merge)`);
  expect(shown.stdout).toContain("author   anonymous");
  expect(shown.stdout).toContain("meta     ticket=T-1, by=ci");
  const log = await strata(["log", "master.m1", "-n", "1"]);
  expect(log.stdout.split("\n").slice(0, 4)).toEqual([`commit ${merge}`, `Merge:  ${masterHead} ${devHead}`, "Author: anonymous", "Branch: master.m1"]);
  expect(log.stdout).toContain("Meta:   ticket=T-1, by=ci");
  expect(log.stdout).toContain("    land dev");

  // The merged key through S3: on the branch, and in the merge commit's read-only bucket.
  expect(await get("master.m1", "c.txt")).toBe("from dev");
  expect(await get(`${merge}.master.m1`, "c.txt")).toBe("from dev");
  expect(await get(`${merge}.master.m1`, "b.txt")).toBe("b on master");
  // Again: up to date, nothing written.
  const again = await json("merge", "dev.m1", "master.m1");
  expect(again).toMatchObject({ result: "up-to-date", commit: merge });
  // A branch that is behind fast-forwards.
  expect(await json("merge", "master.m1", "dev.m1")).toMatchObject({ result: "fast-forward", commit: merge });
  expect(await get("dev.m1", "b.txt")).toBe("b on master");
  // A fast-forward has no commit to hold -m and --meta: the output says they were not recorded.
  await put("dev.m1", "d.txt", "d");
  const ff = await strata(["merge", "dev.m1", "master.m1", "-m", "land d"]);
  expect([ff.code, ff.stdout]).toEqual([0, `fast-forwarded master.m1 to ${await head("dev.m1")} (1 key(s) changed; a fast-forward makes no commit, so -m and --meta were not recorded)\n`]);
}, 60_000);

test("a conflict exits 4 listing every conflicting key with both sides' versions, and writes nothing; --dry-run and strategies", async () => {
  await fresh("m2");
  const devA = await put("dev.m2", "a.txt", "dev's a");
  const devB = await put("dev.m2", "b.txt", "dev's b");
  await put("dev.m2", "only-dev.txt", "clean");
  const masterA = await put("master.m2", "a.txt", "master's a!");
  const masterB = await put("master.m2", "b.txt", "master's b!");
  const before = await head("master.m2");

  const human = await strata(["merge", "dev.m2", "master.m2"]);
  expect(human.code).toBe(4);
  expect(human.stdout).toBe("");
  const lines = human.stderr.split("\n");
  expect(lines[0]).toContain("strata merge: 2 keys changed differently on both sides");
  expect(lines[2]).toMatch(/^KEY +BASE +SOURCE \(dev\.m2\) +DEST \(master\.m2\)$/);
  expect(lines[3]).toMatch(new RegExp(`^a\\.txt +1 B, version [0-9a-f]{32} +7 B, version ${devA} +11 B, version ${masterA}$`));
  expect(lines[4]).toMatch(new RegExp(`^b\\.txt .*version ${devB} .*version ${masterB}$`));
  expect(await head("master.m2")).toBe(before);

  const asJson = await strata(["merge", "dev.m2", "master.m2", "--json"]);
  expect(asJson.code).toBe(4);
  const { error } = JSON.parse(asJson.stdout);
  expect(error).toMatchObject({ code: "MergeConflict", exitCode: 4, result: "conflict" });
  expect(error.conflicts.map((k: any) => [k.key, k.source.version, k.dest.version])).toEqual([["a.txt", devA, masterA], ["b.txt", devB, masterB]]);

  const dry = await strata(["merge", "dev.m2", "master.m2", "--strategy", "source-wins", "--dry-run"]);
  expect([dry.code, dry.stdout]).toEqual([0, "dry run: would change 3 key(s) on master.m2, 2 conflict(s) resolved by source-wins; nothing was written\n"]);
  expect(await head("master.m2")).toBe(before);

  expect(await json("merge", "dev.m2", "master.m2", "-s", "dest-wins")).toMatchObject({ result: "merged", changed: 1, resolved: 2 });
  expect([await get("master.m2", "a.txt"), await get("master.m2", "only-dev.txt")]).toEqual(["master's a!", "clean"]);
  await put("dev.m2", "a.txt", "dev's a again");
  await put("master.m2", "a.txt", "master's a again");
  expect(await json("merge", "dev.m2", "master.m2", "--strategy", "source-wins")).toMatchObject({ result: "merged", resolved: 1 });
  expect(await get("master.m2", "a.txt")).toBe("dev's a again");

  const bad = await strata(["merge", "dev.m2", "master.m2", "--strategy", "ours"]);
  expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("--strategy must be one of fail, source-wins, dest-wins")]);
  expect((await strata(["merge", "nope.m2", "master.m2"])).code).toBe(3);
}, 60_000);

test("revert: a new commit undoing exactly one commit; a key changed since is a conflict (exit 4)", async () => {
  await fresh("r1");
  const bad = await put("master.r1", "a.txt", "broken");
  await put("master.r1", "c.txt", "later");
  const res = await json("revert", `${bad}.master.r1`, "-m", "undo the break", "--meta", "why=broke-it");
  expect(res).toMatchObject({ into: "master.r1", reverted: bad, result: "merged", changed: 1 });
  expect([await get("master.r1", "a.txt"), await get("master.r1", "c.txt")]).toEqual(["a", "later"]);
  expect(await get(`${bad}.master.r1`, "a.txt")).toBe("broken"); // the reverted commit stays readable
  expect(await json("commit", "inspect", "master.r1")).toMatchObject({ id: res.commit, message: "undo the break", meta: { why: "broke-it" } });

  const first = await put("master.r1", "b.txt", "one");
  const second = await put("master.r1", "b.txt", "two");
  const conflict = await strata(["revert", `${first}.master.r1`]);
  expect(conflict.code).toBe(4);
  expect(conflict.stderr).toMatch(new RegExp(`b\\.txt .*version ${first} .*version ${second}`));
  expect((await strata(["revert", "master.r1"])).code).toBe(2); // no commit named
}, 60_000);

test("tags: create, list, delete; one namespace with branches", async () => {
  await fresh("t1");
  const at = await head("master.t1");
  const created = await json("tag", "create", "v1.t1", "-m", "first release");
  expect(created).toMatchObject({ ref: "v1.t1", commit: at, message: "first release", author: "anonymous" });
  await put("master.t1", "a.txt", "after v1");
  expect((await json("tag", "create", "v0.t1", "--at", at)).commit).toBe(at);
  const listed = await strata(["tag", "list", "t1"]);
  expect(listed.stdout.split("\n")[0]).toMatch(/^TAG +COMMIT +CREATED +AUTHOR +MESSAGE$/);
  expect((await json("tag", "list", "t1")).tags.map((x: any) => x.ref)).toEqual(["v0.t1", "v1.t1"]);
  expect((await json("log", "v1.t1")).commits[0].id).toBe(at);
  // The tag reads as a ref (ls, through the admin API) and as its bucket (get, through S3); put into it is refused.
  expect((await json("ls", "v1.t1")).objects.map((o: any) => o.key)).toEqual(["a.txt", "b.txt"]);
  expect((await strata(["get", "v1.t1/a.txt", "-"])).stdout).toBe("a");
  const file = `${t.dir}/t1.txt`;
  await Bun.write(file, "no");
  const into = await strata(["put", file, "v1.t1/"]);
  expect([into.code, into.stderr]).toEqual([6, expect.stringContaining("v1.t1 is a tag, which is read-only")]);

  const onBranch = await strata(["tag", "create", "dev.t1", "--json"]);
  expect([onBranch.code, JSON.parse(onBranch.stdout).error.code]).toEqual([4, "BranchExists"]);
  const branchOnTag = await strata(["branch", "create", "v1.t1", "--json"]);
  expect([branchOnTag.code, JSON.parse(branchOnTag.stdout).error.code]).toEqual([4, "TagExists"]);

  expect(await json("tag", "delete", "v1.t1")).toEqual({ deleted: "v1.t1", commit: at });
  expect((await strata(["tag", "delete", "v1.t1"])).code).toBe(3);
}, 60_000);

test("a protected branch refuses direct writes (put, S3) and deletion with a message that says to merge; merges and reverts land", async () => {
  await fresh("p1");
  expect(await json("branch", "protect", "master.p1")).toEqual({ ref: "master.p1", protected: true });
  expect((await strata(["branch", "list", "p1"])).stdout).toContain("master.p1 (protected)");

  const file = `${t.dir}/x.txt`;
  await Bun.write(file, "x");
  for (const args of [["put", file, "master.p1/"], ["commit", "start", "master.p1"]]) {
    const direct = await strata(args);
    expect([direct.code, direct.stderr]).toEqual([6, expect.stringContaining("write to another branch and merge it in (strata merge <branch>.p1 master.p1)")]);
  }
  const viaS3 = await s3().send(new PutObjectCommand({ Bucket: "master.p1", Key: "x.txt", Body: "x" })).catch((e) => e);
  expect([viaS3.name, viaS3.$metadata.httpStatusCode]).toEqual(["AccessDenied", 403]);
  expect(viaS3.message).toContain("merge");
  const deleted = await strata(["branch", "delete", "master.p1", "--force"]);
  expect([deleted.code, deleted.stderr]).toEqual([6, expect.stringContaining("is protected")]);

  const devWrite = await put("dev.p1", "a.txt", "via merge");
  expect(await json("merge", "dev.p1", "master.p1")).toMatchObject({ result: "fast-forward" });
  expect(await get("master.p1", "a.txt")).toBe("via merge");
  expect(await json("revert", `${devWrite}.master.p1`)).toMatchObject({ result: "merged" });
  expect((await s3().send(new HeadObjectCommand({ Bucket: "master.p1", Key: "a.txt" }))).ContentLength).toBe(1);

  expect(await json("branch", "unprotect", "master.p1")).toEqual({ ref: "master.p1", protected: false });
  await put("master.p1", "x.txt", "direct again");
}, 60_000);

test("--meta takes KEY=VALUE, each key once; commit start and put record it", async () => {
  await fresh("k1");
  for (const bad of [["--meta", "novalue"], ["--meta", "=v"], ["--meta", "k=1", "--meta", "k=2"]]) {
    const r = await strata(["commit", "start", "master.k1", ...bad]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("--meta")]);
  }
  await json("commit", "start", "dev.k1", "-m", "batch", "--meta", "run=7", "--meta", "eq=a=b");
  expect((await json("commit", "finish", "dev.k1"))).toMatchObject({ message: "batch", meta: { run: "7", eq: "a=b" } });
  const file = `${t.dir}/note.txt`;
  await Bun.write(file, "note");
  const putRes = await json("put", file, "master.k1/", "--meta", "source=laptop");
  expect(await json("commit", "inspect", `${putRes.commit}.k1`)).toMatchObject({ meta: { source: "laptop" } });
}, 60_000);
