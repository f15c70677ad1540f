// Every CLI verb, run as the built binary against a running server, with --json output parsed here.
import { expect, test } from "bun:test";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import * as fs from "node:fs";
import * as path from "node:path";
import { COMMANDS } from "../../src/cli/main.ts";
import { binaryAndServer } from "./helpers.ts";
import { freePort } from "../helpers/process.ts";

const t = binaryAndServer();
const { strata, json } = t;

test("--help on every verb shows usage and an example, exit 0", async () => {
  for (const c of COMMANDS) {
    const r = await strata([...c.name.split(" "), "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`usage: strata ${c.name}`);
    expect(r.stdout).toContain("example:\n  strata ");
  }
  const serve = await strata(["serve", "--help"]);
  expect(serve.code).toBe(0);
  expect(serve.stdout).toContain("STRATA_DATA_DIR");
  const general = await strata(["--help"]);
  expect(general.stdout).toContain("branch create");
  expect((await strata([])).code).toBe(2);
  expect((await strata(["frobnicate"])).code).toBe(2);
  expect((await strata(["repo"])).code).toBe(2);
}, 60_000);

test("repo create, list, delete", async () => {
  // Like `aws s3 mb s3://alpha`: the repo comes with its branch master.
  expect(await json("repo", "create", "alpha", "-d", "first repo")).toEqual({ name: "alpha", branches: ["master"] });
  const { repos } = await json("repo", "list");
  expect(repos).toContainEqual(expect.objectContaining({ name: "alpha", description: "first repo", branches: ["master"] }));
  const dup = await strata(["repo", "create", "alpha", "--json"]);
  expect(dup.code).toBe(4);
  expect(JSON.parse(dup.stdout).error.code).toBe("RepoExists");
  expect((await strata(["repo", "create", "Bad_Name"])).code).toBe(2);
  await json("repo", "delete", "alpha");
  expect((await json("repo", "list")).repos.map((r: { name: string }) => r.name)).not.toContain("alpha");
  expect((await strata(["repo", "delete", "alpha"])).code).toBe(3);
});

test("branch create (empty, --from branch, --from commit), list, delete; ls, put, get, log, diff", async () => {
  const created = await json("branch", "create", "master.beta");
  expect(created).toMatchObject({ ref: "master.beta", repo: "beta", branch: "master", head: null });

  // put: one file keeps its name under a folder-like destination; the answer names the commit.
  const src = path.join(t.dir, "src");
  fs.mkdirSync(path.join(src, "sub"), { recursive: true });
  const big = randomBytes(3 * 1024 * 1024 + 17);
  fs.writeFileSync(path.join(src, "big.bin"), big);
  fs.writeFileSync(path.join(src, "sub", "note.txt"), "note v1");
  const one = await json("put", path.join(src, "sub", "note.txt"), "master.beta/docs/");
  expect(one.files).toEqual([expect.objectContaining({ key: "docs/note.txt", size: 7 })]);
  const first = one.commit as string;
  expect(first).toMatch(/^[0-9a-f]{32}$/);

  // put of a folder is one commit.
  const folder = await json("put", src, "master.beta/data", "-m", "add data");
  expect(folder.files.map((f: { key: string }) => f.key)).toEqual(["data/big.bin", "data/sub/note.txt"]);
  const second = folder.commit as string;
  const log = await json("log", "master.beta");
  expect(log.commits.map((c: { id: string }) => c.id)).toEqual([second, first]);
  expect(log.commits[0].message).toBe("add data");

  const ls = await json("ls", "master.beta");
  expect(ls.prefixes).toEqual(["data/", "docs/"]);
  expect(ls.objects).toEqual([]);
  const lsr = await json("ls", "master.beta/data/", "-r");
  expect(lsr.objects.map((o: { key: string; size: number }) => [o.key, o.size])).toEqual([["data/big.bin", big.length], ["data/sub/note.txt", 7]]);
  const human = await strata(["ls", "master.beta", "-r"]);
  expect(human.stdout).toContain("data/big.bin");
  expect(human.stdout).toContain("3.0 MiB");

  // get: a folder, a single file, stdout, and from an older commit.
  const out = path.join(t.dir, "out");
  const got = await json("get", "master.beta/data", out);
  expect(got.files.length).toBe(2);
  expect(Buffer.compare(fs.readFileSync(path.join(out, "big.bin")), big)).toBe(0);
  expect(fs.readFileSync(path.join(out, "sub", "note.txt"), "utf8")).toBe("note v1");
  expect((await strata(["get", "master.beta/docs/note.txt", "-"])).stdout).toBe("note v1");
  fs.writeFileSync(path.join(src, "sub", "note.txt"), "note v2, longer");
  await json("put", path.join(src, "sub", "note.txt"), "master.beta/docs/note.txt");
  await json("get", `${first}.master.beta/docs/note.txt`, path.join(t.dir, "old.txt"));
  expect(fs.readFileSync(path.join(t.dir, "old.txt"), "utf8")).toBe("note v1");
  expect((await strata(["get", "master.beta/nothing/here", out])).code).toBe(3);

  // diff between the first commit and the head.
  const diff = await json("diff", `${first}.beta`, "master.beta");
  expect(diff.changes.map((c: { key: string; change: string }) => [c.key, c.change])).toEqual([
    ["data/big.bin", "added"],
    ["data/sub/note.txt", "added"],
    ["docs/note.txt", "modified"],
  ]);
  expect(diff.changes[2].before.size).toBe(7);
  expect(diff.changes[2].after.size).toBe(15);
  const humanDiff = await strata(["diff", `${first}.beta`, "master.beta"]);
  expect(humanDiff.stdout).toContain("M  docs/note.txt");
  expect(humanDiff.stdout).toContain("2 added, 1 modified, 0 deleted");

  // branches from a branch and from a commit.
  expect((await json("branch", "create", "dev.beta", "--from", "master")).head).toBe((await json("commit", "inspect", "master.beta")).id);
  expect((await json("branch", "create", "old.beta", "--from", first)).head).toBe(first);
  expect((await json("ls", "old.beta", "-r")).objects.map((o: { key: string }) => o.key)).toEqual(["docs/note.txt"]);
  const { branches } = await json("branch", "list", "beta");
  expect(branches.map((b: { ref: string }) => b.ref).sort()).toEqual(["dev.beta", "master.beta", "old.beta"]);
  // A branch with commits goes only with --force; the head it had stays reachable and brings it back.
  const refused = await strata(["branch", "delete", "old.beta", "--json"]);
  expect([refused.code, JSON.parse(refused.stdout).error.code]).toEqual([4, "BranchHasCommits"]);
  expect(await json("branch", "delete", "old.beta", "--force")).toEqual({ deleted: "old.beta", head: first });
  expect((await json("branch", "list", "beta")).branches.length).toBe(2);
  const all = await json("commit", "list", "beta", "--all");
  expect(all.commits.map((c: { id: string }) => c.id)).toContain(first);
  expect((await json("branch", "create", "old.beta", "--from", first)).head).toBe(first);
  expect((await strata(["branch", "delete", "old.beta", "--force"])).stdout).toContain(`its head was ${first}`);
  expect((await strata(["branch", "delete", "old.beta"])).code).toBe(3);
  expect((await strata(["branch", "create", "x.beta", "--from", "0123456789abcdef0123456789abcdef"])).code).toBe(3);
}, 60_000);

test("commit start, finish, drop, list, inspect", async () => {
  await json("branch", "create", "master.gamma");
  const file = path.join(t.dir, "g.txt");
  fs.writeFileSync(file, "gamma");

  const started = await json("commit", "start", "master.gamma", "-m", "two files at once");
  expect(started.id).toMatch(/^[0-9a-f]{32}$/);
  expect((await strata(["commit", "start", "master.gamma"])).code).toBe(4);
  await json("put", file, "master.gamma/one.txt");
  await json("put", file, "master.gamma/two.txt");
  // Readers of the branch see nothing until the commit is finished.
  expect((await json("ls", "master.gamma", "-r")).objects).toEqual([]);
  const listed = await json("commit", "list", "master.gamma");
  expect(listed.commits[0]).toMatchObject({ id: started.id, open: true });
  const finished = await json("commit", "finish", "master.gamma");
  expect(finished).toMatchObject({ id: started.id, message: "two files at once", branch: "master", repo: "gamma" });
  expect((await json("ls", "master.gamma", "-r")).objects.map((o: { key: string }) => o.key)).toEqual(["one.txt", "two.txt"]);
  const inspected = await json("commit", "inspect", `${started.id}.master.gamma`);
  expect(inspected).toMatchObject({ id: started.id, objects: 2, parent: null });
  expect((await strata(["commit", "finish", "master.gamma"])).code).toBe(4);

  await json("commit", "start", "master.gamma");
  await json("put", file, "master.gamma/three.txt");
  const dropped = await json("commit", "drop", "master.gamma");
  expect(dropped.dropped).toMatch(/^[0-9a-f]{32}$/);
  const after = await json("commit", "list", "master.gamma");
  expect(after.commits.map((c: { id: string }) => c.id)).toEqual([started.id]);
  expect((await json("ls", "master.gamma", "-r")).objects.length).toBe(2);
  expect((await strata(["commit", "inspect", "ffffffffffffffffffffffffffffffff.gamma"])).code).toBe(3);
}, 60_000);

test("fsck and gc on a running server report in JSON; offline they refuse a locked data dir", async () => {
  const checked = await strata(["fsck", "--json"]);
  expect(checked.code).toBe(0);
  expect(JSON.parse(checked.stdout).ok).toBe(true);
  // A pack written just now: the running server's gc leaves it for 10 minutes, unless --min-age says less (whether
  // it is then swept depends on its live share, which the other tests' objects decide here).
  await json("repo", "create", "gcjunk");
  const junk = path.join(t.dir, "junk.bin");
  fs.writeFileSync(junk, randomBytes(300_000));
  await json("put", junk, "master.gcjunk/junk.bin");
  expect((await strata(["repo", "delete", "gcjunk", "--force"])).code).toBe(0);
  const collected = await strata(["gc", "--json"]);
  expect(collected.code).toBe(0);
  const waited = JSON.parse(collected.stdout);
  expect([typeof waited.reachable, waited.minAgeMs, waited.tooYoung > 0]).toEqual(["number", 600_000, true]);
  const now = JSON.parse((await strata(["gc", "--min-age", "0", "--upload-max-age", "7d", "--json"])).stdout);
  expect([now.minAgeMs, now.tooYoung, now.uploadMaxAgeMs]).toEqual([0, 0, 7 * 86_400_000]);
  const bad = await strata(["gc", "--min-age", "soon"]);
  expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("--min-age")]);
  for (const verb of ["fsck", "gc"]) {
    // Offline on a data t.dir a running server holds: refused with the lock's message.
    const locked = await strata([verb, "--data-dir", t.server.dataDir]);
    expect(locked.code).toBe(4);
    expect(locked.stderr).toContain("in use by another Strata process");
  }
});

test("without --auth any key pair works, as on S3 (someone's real AWS keys in the environment)", async () => {
  const realLooking = { AWS_ACCESS_KEY_ID: "AKIA" + randomBytes(8).toString("hex").toUpperCase(), AWS_SECRET_ACCESS_KEY: randomBytes(30).toString("base64") };
  const listed = await strata(["repo", "list", "--json"], realLooking);
  expect([listed.code, listed.stderr]).toEqual([0, ""]);
  const file = path.join(t.dir, "signed.txt");
  fs.writeFileSync(file, "signed put");
  await json("branch", "create", "master.signed");
  const put = await strata(["put", file, "master.signed/", "--json"], realLooking);
  expect(put.code).toBe(0);
  const got = await strata(["get", "master.signed/signed.txt", "-"], realLooking);
  expect(got.stdout).toBe("signed put");
});

test("exit codes: unreachable server 5, bad ref 2, missing ref 3", async () => {
  const port = await freePort();
  const r = await strata(["repo", "list"], { STRATA_SERVER: `http://127.0.0.1:${port}` });
  expect(r.code).toBe(5);
  expect(r.stderr).toContain("cannot reach Strata");
  expect((await strata(["ls", "not..a..ref"])).code).toBe(2);
  expect((await strata(["ls", "master.nosuchrepo"])).code).toBe(3);
  expect((await strata(["repo", "create"])).code).toBe(2);
  expect((await strata(["repo", "list", "--bogus"])).code).toBe(2);
});

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === "string" ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

/** node:crypto as the hash smithy's signer wants (HMAC when given a secret). */
class Sha256 {
  private readonly h;
  constructor(secret?: SourceData) {
    this.h = secret ? createHmac("sha256", bytes(secret)) : createHash("sha256");
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

test("requests are signed with SigV4 when AWS_ACCESS_KEY_ID is set (checked against smithy's signer)", async () => {
  const seen: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined> }> = [];
  const spy = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ objects: [], prefixes: [], truncated: false }));
  });
  await new Promise<void>((r) => spy.listen(0, "127.0.0.1", () => r()));
  const port = (spy.address() as { port: number }).port;
  try {
    const env = { AWS_ACCESS_KEY_ID: "AKIDCLI", AWS_SECRET_ACCESS_KEY: "cli-secret", AWS_REGION: "eu-west-1" };
    const r = await strata(["ls", "master.beta/some dir/it's+(x)", "--json", "--server", `http://127.0.0.1:${port}`], env);
    expect(r.code).toBe(0);
    const { method, url, headers } = seen[0];
    const u = new URL(url, `http://127.0.0.1:${port}`);
    const amzDate = String(headers["x-amz-date"]);
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const signer = new SignatureV4({ credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }, region: "eu-west-1", service: "s3", sha256: Sha256, uriEscapePath: false, applyChecksum: false });
    const expected = await signer.sign(
      {
        method,
        protocol: "http:",
        hostname: "127.0.0.1",
        port,
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: { host: String(headers.host), "x-amz-content-sha256": String(headers["x-amz-content-sha256"]), "x-amz-date": amzDate },
      },
      { signingDate },
    );
    expect(headers.authorization).toBe(expected.headers.authorization);
    expect(u.searchParams.get("prefix")).toBe("some dir/it's+(x)");
  } finally {
    spy.close();
  }
});
