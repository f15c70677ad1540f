// The admin API's branch workflows: merge (clean, fast-forward, conflicts listed with both sides, strategies, dry
// runs), revert, tags (a name for a commit, sharing the branch namespace), protected branches; who may call each.
import { afterAll, beforeEach, expect, test } from "bun:test";
import type { Caller } from "../../src/admin/admin-access.ts";
import { createAdminApp } from "../../src/admin/api.ts";
import type { Role } from "../../src/repo/access.ts";
import { decode, openService, text } from "../helpers/repo.ts";

const repo = openService();
afterAll(() => repo.close());

// With x-user set, auth is on and the caller is that user, holding the role its name says in repo proj.
const identify = async (raw: Request): Promise<Caller> => {
  const name = raw.headers.get("x-user");
  if (!name) return { authOn: false };
  return { authOn: true, user: { name, admin: false, created: 0, roles: name === "none" ? {} : { proj: name as Role } } };
};
const app = createAdminApp({ repo, identify, limits: { etagMode: "sha256", maxObjectSize: 1 << 20 } });

async function call(method: string, path: string, body?: unknown, user?: string): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (user) headers["x-user"] = user;
  const res = await app.fetch(new Request(`http://x/_strata/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  return { status: res.status, json: await res.json() };
}

const put = (branch: string, key: string, value: string) => repo.putObject("proj", branch, key, text(value));
const read = async (branch: string, key: string, commit?: string) => decode(await repo.getObject("proj", branch, key, commit));
const head = (branch: string) => repo.requireBranch("proj", branch).head;

let n = 0;
beforeEach(async () => {
  // A fresh repo per test: master with a.txt and b.txt, dev branched from it.
  if (repo.hasRepo("proj")) {
    for (const b of repo.listBranches("proj")) if (b.protected) await repo.setProtected("proj", b.branch, false);
    for (const t of repo.listTags("proj")) await repo.deleteTag("proj", t.name);
    await repo.deleteRepo("proj", true);
  }
  await repo.createBranch("proj", "master");
  await put("master", "a.txt", `a${n}`);
  await put("master", "b.txt", `b${n++}`);
  await repo.createBranch("proj", "dev", { branch: "master" });
});

test("a clean merge is one commit with both parents, author and meta; log shows what it brought in", async () => {
  const base = head("master");
  const devWrite = await put("dev", "c.txt", "from dev");
  await put("dev", "a.txt", "a on dev");
  await put("master", "b.txt", "b on master");
  const masterHead = head("master");

  const merged = await call("POST", "branches/master.proj/merge", { from: "dev", message: "land dev", meta: { ticket: "T-1" } });
  expect(merged.status).toBe(200);
  expect(merged.json).toMatchObject({ into: "master.proj", from: "dev", result: "merged", base, changed: 2, resolved: 0, dryRun: false, conflicts: [] });
  expect(merged.json.commit).toBe(head("master"));
  expect([await read("master", "a.txt"), await read("master", "b.txt"), await read("master", "c.txt")]).toEqual(["a on dev", "b on master", "from dev"]);

  const commit = await call("GET", `commits/${merged.json.commit}.proj`);
  expect(commit.json).toMatchObject({ parent: masterHead, parents: [masterHead, head("dev")], message: "land dev", author: "anonymous", meta: { ticket: "T-1" } });
  expect(commit.json.finished).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // The history walks both parents: the dev commits are in master's log now, newest first, each once.
  const log = (await call("GET", "commits?ref=master.proj")).json.commits.map((c: { id: string }) => c.id);
  expect(log[0]).toBe(merged.json.commit);
  expect(log).toContain(devWrite.commit);
  expect(new Set(log).size).toBe(log.length);
  expect(log).toHaveLength(6); // merge, master's b, dev's a and c, the two first writes
});

test("merging a branch that is ahead fast-forwards; merging again is up to date", async () => {
  const { commit } = await put("dev", "c.txt", "c");
  const ff = await call("POST", "branches/master.proj/merge", { from: "dev.proj" });
  expect(ff.json).toMatchObject({ result: "fast-forward", commit, changed: 1 });
  expect(head("master")).toBe(commit);
  expect((await call("POST", "branches/master.proj/merge", { from: "dev" })).json).toMatchObject({ result: "up-to-date", commit, changed: 0 });
});

test("a conflict is a 409 listing every conflicting key with both sides' versions, and writes nothing; strategies resolve it", async () => {
  await put("dev", "a.txt", "dev's a");
  await put("dev", "b.txt", "dev's b");
  await put("dev", "only-dev.txt", "clean");
  await put("master", "a.txt", "master's a");
  await put("master", "b.txt", "master's b");
  const before = head("master");

  for (const dryRun of [false, true]) {
    const conflict = await call("POST", "branches/master.proj/merge", { from: "dev", dryRun });
    expect(conflict.status).toBe(409);
    const { error } = conflict.json;
    expect(error.code).toBe("MergeConflict");
    expect(error.message).toContain("2 keys changed differently on both sides");
    expect(error.message).toContain("take one side with --strategy source-wins or --strategy dest-wins");
    expect(error.result).toBe("conflict");
    expect(error.conflicts.map((k: { key: string }) => k.key)).toEqual(["a.txt", "b.txt"]);
    const a = error.conflicts[0];
    const manifest = (branch: string) => repo.statObject("proj", branch, "a.txt")!;
    expect(a.source).toMatchObject({ size: 7, etag: manifest("dev").etag });
    expect(a.dest).toMatchObject({ size: 10, etag: manifest("master").etag });
    expect(a.base).toMatchObject({ size: 2 });
    expect(a.source.version).toMatch(/^[0-9a-f]{32}$/);
    expect(a.source.version).toBe(a.source.commit);
    expect(head("master")).toBe(before);
  }

  const dry = await call("POST", "branches/master.proj/merge", { from: "dev", strategy: "source-wins", dryRun: true });
  expect(dry.json).toMatchObject({ result: "merged", commit: null, changed: 3, resolved: 2, dryRun: true });
  expect(head("master")).toBe(before);

  const theirs = await call("POST", "branches/master.proj/merge", { from: "dev", strategy: "dest-wins" });
  expect(theirs.json).toMatchObject({ result: "merged", changed: 1, resolved: 2 });
  expect([await read("master", "a.txt"), await read("master", "only-dev.txt")]).toEqual(["master's a", "clean"]);
});

test("source-wins takes the source's side of every conflict", async () => {
  await put("dev", "a.txt", "dev's a");
  await put("master", "a.txt", "master's a");
  const res = await call("POST", "branches/master.proj/merge", { from: "dev", strategy: "source-wins" });
  expect(res.json).toMatchObject({ result: "merged", resolved: 1 });
  expect(await read("master", "a.txt")).toBe("dev's a");
});

test("bad merge requests are 400s and 404s naming the problem", async () => {
  expect((await call("POST", "branches/master.proj/merge", { from: "dev", strategy: "ours" })).json.error).toEqual({ code: "InvalidRequest", message: "strategy must be one of fail, source-wins, dest-wins" });
  expect((await call("POST", "branches/master.proj/merge", {})).json.error.message).toBe("from is required");
  expect((await call("POST", "branches/master.proj/merge", { from: "dev", meta: { k: 1 } })).status).toBe(400);
  expect((await call("POST", "branches/master.proj/merge", { from: "dev", dryRun: "yes" })).status).toBe(400);
  expect((await call("POST", "branches/master.proj/merge", { from: "master.other" })).json.error.message).toBe("from master.other is in repo other, not proj");
  const missing = await call("POST", "branches/master.proj/merge", { from: "nope" });
  expect([missing.status, missing.json.error.code]).toEqual([404, "NoSuchBranch"]);
  expect((await call("POST", "branches/nope.proj/merge", { from: "dev" })).status).toBe(404);
});

test("revert undoes exactly one commit, as a new commit", async () => {
  const bad = await put("master", "a.txt", "broken");
  await put("master", "c.txt", "later");
  const res = await call("POST", "branches/master.proj/revert", { commit: bad.commit, meta: { why: "broke it" } });
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ into: "master.proj", reverted: bad.commit, result: "merged", changed: 1 });
  expect([await read("master", "a.txt"), await read("master", "c.txt")]).toEqual([`a${n - 1}`, "later"]);
  const commit = await call("GET", `commits/master.proj`);
  expect(commit.json).toMatchObject({ id: res.json.commit, message: `revert ${bad.commit}: put "a.txt"`, meta: { why: "broke it" }, parents: [expect.any(String)] });
  // A commit not in the branch's history is a 404; one changed again since is a conflict.
  const other = await put("dev", "x.txt", "x");
  expect((await call("POST", "branches/master.proj/revert", { commit: other.commit })).status).toBe(404);
  const first = await put("master", "b.txt", "one");
  await put("master", "b.txt", "two");
  const conflict = await call("POST", "branches/master.proj/revert", { commit: first.commit });
  expect(conflict.status).toBe(409);
  expect(conflict.json.error.conflicts.map((k: { key: string }) => k.key)).toEqual(["b.txt"]);
});

test("tags: create at a branch or commit, list, read through refs, one namespace with branches, delete", async () => {
  const at = head("master")!;
  const created = await call("POST", "tags", { ref: "v1.proj", at: "master", message: "first release" });
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ ref: "v1.proj", repo: "proj", name: "v1", commit: at, author: "anonymous", message: "first release" });
  expect(created.json.created).toMatch(/Z$/);
  await put("master", "a.txt", "after v1");
  const byId = await call("POST", "tags", { ref: "v0.proj", at: `${at}.proj` });
  expect(byId.json.commit).toBe(at);
  expect((await call("GET", "tags?repo=proj")).json.tags.map((t: { ref: string }) => t.ref)).toEqual(["v0.proj", "v1.proj"]);
  expect((await call("GET", "tags/v1.proj")).json.commit).toBe(at);

  // The tag reads as a ref: history, one commit, objects as of the tagged commit; a branch can start there.
  expect((await call("GET", "commits/v1.proj")).json.id).toBe(at);
  expect((await call("GET", "commits?ref=v1.proj")).json.commits[0].id).toBe(at);
  const object = await app.fetch(new Request("http://x/_strata/object/content?ref=v1.proj&key=a.txt"));
  expect(await object.text()).toBe(`a${n - 1}`);
  expect((await call("POST", "branches", { ref: "hotfix.proj", from: "v1" })).json.head).toBe(at);
  // What needs a branch refuses a tag's name with 403 IsTag, saying it is a tag.
  const write = await app.fetch(new Request("http://x/_strata/object/content?ref=v1.proj&key=a.txt", { method: "PUT", body: "no" }));
  expect([write.status, (await write.json()).error.message]).toEqual([403, expect.stringContaining("v1.proj is a tag, which is read-only")]);
  for (const [method, path, body] of [["POST", "commits/start", { ref: "v1.proj" }], ["DELETE", "branches/v1.proj?force=true"], ["POST", "branches/v1.proj/merge", { from: "dev" }]] as const) {
    const refused = await call(method, path, body);
    expect({ path, status: refused.status, code: refused.json.error.code }).toEqual({ path, status: 403, code: "IsTag" });
  }

  const dup = await call("POST", "tags", { ref: "v1.proj", at: "dev" });
  expect([dup.status, dup.json.error.code]).toEqual([409, "TagExists"]);
  const onBranch = await call("POST", "tags", { ref: "dev.proj" });
  expect([onBranch.status, onBranch.json.error.code]).toEqual([409, "BranchExists"]);
  const branchOnTag = await call("POST", "branches", { ref: "v1.proj" });
  expect([branchOnTag.status, branchOnTag.json.error.code]).toEqual([409, "TagExists"]);
  expect((await call("POST", "tags", { ref: "v9.proj", at: "nope" })).status).toBe(404);
  expect((await call("GET", "tags")).status).toBe(400);
  expect((await call("GET", "tags?repo=nope")).status).toBe(404);

  expect((await call("DELETE", "tags/v1.proj")).json).toEqual({ deleted: "v1.proj", commit: at });
  const gone = await call("DELETE", "tags/v1.proj");
  expect([gone.status, gone.json.error.code]).toEqual([404, "NoSuchTag"]);
  expect((await call("GET", "tags/v1.proj")).status).toBe(404);
});

test("a protected branch refuses direct writes and deletion, with a message that says to merge; merges and reverts land", async () => {
  expect((await call("PUT", "branches/master.proj/protected", { protected: true })).json).toEqual({ ref: "master.proj", protected: true });
  expect((await call("GET", "branches?repo=proj")).json.branches.find((b: { branch: string }) => b.branch === "master").protected).toBe(true);

  const write = await app.fetch(new Request("http://x/_strata/object/content?ref=master.proj&key=a.txt", { method: "PUT", body: "direct" }));
  expect(write.status).toBe(403);
  const { error } = await write.json();
  expect(error.code).toBe("BranchProtected");
  expect(error.message).toContain("merge");
  expect((await call("POST", "commits/start", { ref: "master.proj" })).status).toBe(403);
  expect((await call("DELETE", "branches/master.proj?force=true")).status).toBe(403);

  const { commit } = await put("dev", "a.txt", "via merge");
  expect((await call("POST", "branches/master.proj/merge", { from: "dev" })).json).toMatchObject({ result: "fast-forward" });
  expect((await call("POST", "branches/master.proj/revert", { commit })).json).toMatchObject({ result: "merged" });

  expect((await call("PUT", "branches/master.proj/protected", { protected: false })).json).toEqual({ ref: "master.proj", protected: false });
  expect((await call("PUT", "branches/master.proj/protected", {})).status).toBe(400);
  const after = await app.fetch(new Request("http://x/_strata/object/content?ref=master.proj&key=a.txt", { method: "PUT", body: "direct" }));
  expect(after.status).toBe(201);
});

test("roles: writers merge, revert and tag; owners protect and delete tags; readers list tags; each write records its author", async () => {
  await put("dev", "c.txt", "c");
  expect((await call("POST", "branches/master.proj/merge", { from: "dev" }, "reader")).status).toBe(403);
  expect((await call("POST", "branches/master.proj/merge", { from: "dev" }, "writer")).status).toBe(200);
  const bad = await put("master", "a.txt", "bad");
  expect((await call("POST", "branches/master.proj/revert", { commit: bad.commit }, "reader")).status).toBe(403);
  const reverted = await call("POST", "branches/master.proj/revert", { commit: bad.commit }, "writer");
  expect((await call("GET", `commits/${reverted.json.commit}.proj`)).json.author).toBe("writer");

  expect((await call("POST", "tags", { ref: "v1.proj" }, "reader")).status).toBe(403);
  expect((await call("POST", "tags", { ref: "v1.proj" }, "writer")).json.author).toBe("writer");
  expect((await call("GET", "tags?repo=proj", undefined, "reader")).status).toBe(200);
  expect((await call("GET", "tags?repo=proj", undefined, "none")).status).toBe(403);
  expect((await call("DELETE", "tags/v1.proj", undefined, "writer")).status).toBe(403);
  expect((await call("DELETE", "tags/v1.proj", undefined, "owner")).status).toBe(200);

  const denied = await call("PUT", "branches/master.proj/protected", { protected: true }, "writer");
  expect(denied.json.error).toEqual({ code: "AccessDenied", message: "user writer needs the owner role in repo proj" });
  expect((await call("PUT", "branches/master.proj/protected", { protected: true }, "owner")).status).toBe(200);

  const started = await call("POST", "commits/start", { ref: "dev.proj", message: "batch", meta: { run: "7" } }, "writer");
  await repo.putObject("proj", "dev", "d.txt", text("d"));
  const finished = await call("POST", "commits/finish", { ref: "dev.proj" }, "writer");
  expect(finished.json).toMatchObject({ id: started.json.id, author: "writer", meta: { run: "7" }, message: "batch" });
});
