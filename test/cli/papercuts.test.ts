// What a new user runs into at the edges: output into slow pipes, exit codes, data dirs that are
// missing, files or in use, diffs of unchanged bytes, maintenance summaries, the request log, --version.
import { expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { defaultConfig } from "../../src/config.ts";
import { startServer } from "../../src/server.ts";
import { run } from "../helpers/process.ts";
import { binaryAndServer, CLEAN_ENV, ROOT, tempDir } from "./helpers.ts";

const t = binaryAndServer();
const strata = t.strata;

test("output into a slow pipe is complete and exits 0; a closed pipe is a failure", async () => {
  for (let i = 0; i < 400; i++) await t.server.repo.putObject("piped", "master", `k${i}`, new TextEncoder().encode(String(i))).catch(async (err) => {
    if (i > 0) throw err;
    await t.server.repo.versions.createBranch("piped", "master");
    await t.server.repo.putObject("piped", "master", `k${i}`, new TextEncoder().encode(String(i)));
  });
  const file = path.join(t.dir, "commits.json");
  const toFile = await run("sh", ["-c", `"${t.bin}" commit list master.piped --json > "${file}"`], { cwd: t.dir, env: { ...CLEAN_ENV, STRATA_SERVER: t.server.url } });
  expect(toFile.code).toBe(0);
  const size = fs.statSync(file).size;
  expect(size).toBeGreaterThan(65536);
  const piped = await run("sh", ["-c", `"${t.bin}" commit list master.piped --json | (sleep 1; wc -c); exit \${PIPESTATUS:-0}`], { cwd: t.dir, env: { ...CLEAN_ENV, STRATA_SERVER: t.server.url } });
  expect(Number(piped.stdout.trim())).toBe(size);
  const status = await run("bash", ["-c", `"${t.bin}" commit list master.piped --json | (sleep 1; wc -c >/dev/null); echo "\${PIPESTATUS[0]}"`], { cwd: t.dir, env: { ...CLEAN_ENV, STRATA_SERVER: t.server.url } });
  expect(status.stdout.trim()).toBe("0");
  const closed = await run("bash", ["-c", `"${t.bin}" commit list master.piped --json | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: t.dir, env: { ...CLEAN_ENV, STRATA_SERVER: t.server.url } });
  expect(closed.stdout.trim()).not.toBe("0");
}, 60_000);

test("--version is package.json's (help for groups: help.test.ts)", async () => {
  const version = await strata(["--version"]);
  expect(version.code).toBe(0);
  expect(version.stdout).toStartWith(`strata ${packageJson.version} (commit `);
});

test("put sends a Content-Type by extension, as the aws CLI does, so a page on a public branch renders", async () => {
  await t.server.repo.versions.createBranch("types", "master");
  const site = path.join(t.dir, "site");
  fs.mkdirSync(site, { recursive: true });
  for (const name of ["index.html", "Logo.PNG", "data.bin", "README"]) fs.writeFileSync(path.join(site, name), "x");
  expect((await strata(["put", site, "master.types/"])).code).toBe(0);
  const typeOf = async (key: string) => (await fetch(`${t.server.url}/master.types/${key}`, { method: "HEAD" })).headers.get("content-type");
  expect([await typeOf("index.html"), await typeOf("Logo.PNG"), await typeOf("data.bin"), await typeOf("README")])
    .toEqual(["text/html", "image/png", "binary/octet-stream", "binary/octet-stream"]);
}, 60_000);

test("get of a missing key says not found (exit 3), also to stdout", async () => {
  await t.server.repo.versions.createBranch("gets", "master");
  for (const dest of ["-", path.join(t.dir, "out.txt")]) {
    const r = await strata(["get", "master.gets/missing.txt", dest]);
    expect([r.code, r.stderr]).toEqual([3, expect.stringContaining("no such object")]);
  }
});

test("fsck, gc and auth offline: a missing dir or a file is exit 2 and creates nothing; a dir in use is exit 4", async () => {
  const missing = path.join(tempDir(), "mistyped");
  const file = path.join(t.dir, "a-file");
  fs.writeFileSync(file, "x");
  for (const args of [["fsck"], ["gc"], ["auth", "user", "list"], ["auth", "enable"]]) {
    const r = await strata([...args, "--data-dir", missing]);
    expect([args.join(" "), r.code, r.stderr]).toEqual([args.join(" "), 2, expect.stringContaining("no Strata data dir")]);
    expect(fs.existsSync(missing)).toBe(false);
    expect((await strata([...args, "--data-dir", file])).code).toBe(2);
  }
  const inUse = await strata(["fsck", "--data-dir", t.server.dataDir]);
  expect([inUse.code, inUse.stderr]).toEqual([4, expect.stringContaining("in use")]);
  expect((await strata(["serve", "--data-dir", t.server.dataDir, "--port", "0"])).code).toBe(4);
  expect((await strata(["serve", "--data-dir", file, "--port", "0"])).stderr).toContain("is a file");
  const both = await strata(["serve", "--ephemeral", "--data-dir", missing]);
  expect([both.code, both.stderr]).toEqual([2, expect.stringContaining("--ephemeral")]);
}, 30_000); // some fifteen runs of the binary

test("diff leaves out keys written again with the same bytes", async () => {
  await t.server.repo.versions.createBranch("same", "master");
  const first = await t.server.repo.putObject("same", "master", "a.txt", new TextEncoder().encode("same bytes"));
  await t.server.repo.putObject("same", "master", "a.txt", new TextEncoder().encode("same bytes"), { contentType: "text/plain" });
  await t.server.repo.putObject("same", "master", "b.txt", new TextEncoder().encode("new"));
  const r = await strata(["diff", `${first.commit}.same`, "master.same", "--json"]);
  expect(JSON.parse(r.stdout).changes.map((c: { key: string }) => c.key)).toEqual(["b.txt"]);
});

test("fsck and gc print a summary (JSON with --json); online gc says what it left and why", async () => {
  const fsck = await strata(["fsck"]);
  expect([fsck.code, fsck.stdout]).toEqual([0, expect.stringMatching(/^fsck: ok: \d+ pack/)]);
  expect(JSON.parse((await strata(["fsck", "--json"])).stdout).ok).toBe(true);
  const gc = await strata(["gc"]);
  expect(gc.code).toBe(0);
  expect(gc.stdout).toMatch(/^gc: swept \d+ pack/);
  expect(gc.stdout).toContain("minimum pack age");
  expect(JSON.parse((await strata(["gc", "--json"])).stdout)).toMatchObject({ minAgeMs: 600000 });
});

test("the request log counts the bytes of XML answers and logs admin API requests, never their values", async () => {
  const lines: string[] = [];
  const logged = await startServer({ ...defaultConfig(), port: 0, bind: "127.0.0.1", ephemeral: true }, { log: (line) => lines.push(line) });
  try {
    await fetch(`${logged.url}/`);
    await fetch(`${logged.url}/no-such-bucket`);
    await fetch(`${logged.url}/_strata/repos`);
    await fetch(`${logged.url}/_strata/auth/tokens/strata_secret0000`, { method: "DELETE" });
    await new Promise((r) => setTimeout(r, 50)); // lines are written once per turn of the event loop
  } finally {
    await logged.stop();
  }
  const records = lines.map((l) => JSON.parse(l));
  const list = records.find((r) => r.op === "ListBuckets");
  expect(list.out).toBeGreaterThan(100);
  expect(records.find((r) => r.status === 404 && r.bucket === "no-such-bucket").out).toBeGreaterThan(100);
  expect(records.find((r) => r.op === "Admin repos")).toMatchObject({ method: "GET", status: 200, out: JSON.stringify({ repos: [] }).length });
  expect(records.find((r) => r.op === "Admin auth/tokens/:id")).toMatchObject({ method: "DELETE", status: 404 });
  expect(lines.join("\n")).not.toContain("strata_secret");
});

test("`npm run -s strata -- …` and bin/strata (what npm link puts on PATH) work in the caller's folder", async () => {
  await t.server.repo.versions.createBranch("npmrepo", "master");
  const caller = tempDir();
  fs.writeFileSync(path.join(caller, "here.txt"), "relative to the caller");
  const env = { PATH: `${path.join(ROOT, "node_modules/.bin")}:${process.env.PATH}`, HOME: process.env.HOME!, STRATA_SERVER: t.server.url };
  const put = await run("npm", ["--prefix", ROOT, "run", "-s", "strata", "--", "put", "./here.txt", "master.npmrepo/"], { cwd: caller, env });
  expect([put.code, put.stderr]).toEqual([0, ""]);
  const linked = path.join(caller, "strata");
  fs.symlinkSync(path.join(ROOT, "bin/strata"), linked);
  const got = await run(linked, ["get", "master.npmrepo/here.txt", "./back.txt"], { cwd: caller, env });
  expect(got.code).toBe(0);
  expect(fs.readFileSync(path.join(caller, "back.txt"), "utf8")).toBe("relative to the caller");
  fs.rmSync(caller, { recursive: true, force: true });
}, 60_000);
