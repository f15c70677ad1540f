// The README against what the commands really do: the tour, the sidecar job and the auth example run as
// written (against a real server in a temp dir), every verb in the CLI table exists (and every verb is in the
// table), and every example in the table runs. Only what the README leaves to the reader is filled in: the
// port, <older VersionId> (the older version of holiday/b.txt), <commit> and the admin token.
import { afterEach, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { COMMANDS, runCli } from "../../src/cli/main.ts";
import { SERVE_OPTIONS, serveConfig } from "../../src/config.ts";
import { serveCommand } from "../../src/serve-command.ts";
import type { StrataServer } from "../../src/server.ts";
import { Store } from "../../src/store/store.ts";
import { freePort, run, startServerProcess } from "../helpers/process.ts";
import { withServer } from "../helpers/server.ts";
import { BIN_DIR, ROOT, tempDir } from "./helpers.ts";

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const VERBS = new Set([serveCommand, ...COMMANDS].map((c) => c.name));

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const level = heading.split(" ")[0];
  const rest = README.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`^#{1,${level.length}} `, "m"));
  return next < 0 ? rest : rest.slice(0, next);
}

const shBlocks = (text: string): string[] => [...text.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]);

const servers: StrataServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function fresh(auth = false): Promise<{ server: StrataServer; cwd: string }> {
  const server = await withServer({ auth });
  servers.push(server);
  const cwd = tempDir();
  dirs.push(cwd);
  return { server, cwd };
}

/** Runs README lines in bash as a reader would, `strata` being the command from this checkout. */
async function runScript(script: string, server: { url: string }, cwd: string, env: Record<string, string> = {}) {
  const preamble = [
    "set -eo pipefail",
    `trap 'echo "README command failed: $BASH_COMMAND" >&2' ERR`,
    `strata() { "${path.join(BIN_DIR, "bun")}" "${path.join(ROOT, "src/main.ts")}" "$@"; }`,
    `older_version() { aws --endpoint-url "$STRATA_SERVER" s3api list-object-versions --bucket photos --prefix holiday/b.txt --query 'Versions[1].VersionId' --output text; }`,
  ].join("\n");
  const body = script
    .replaceAll("http://localhost:30600", "$STRATA_SERVER")
    .replaceAll("npm run -s strata --", `npm --prefix "${ROOT}" run -s strata --`)
    .replaceAll("<older VersionId>", "$(older_version)");
  const r = await run("bash", ["-c", `${preamble}\n${body}`], {
    cwd,
    env: { PATH: `${BIN_DIR}:${process.env.PATH}`, HOME: process.env.HOME, AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: "/dev/null", STRATA_SERVER: server.url, ...env },
  });
  if (r.code !== 0) throw new Error(`README script failed (${r.code}):\n${r.stderr}\n--- stdout ---\n${r.stdout}`);
  return r;
}

test("the five-minute tour and the sidecar job run as written", async () => {
  const { server, cwd } = await fresh();
  const [tour] = shBlocks(section("## Five-minute tour"));
  const [job] = shBlocks(section("### A sidecar job"));
  const r = await runScript(`${tour}\n${job}`, server, cwd);
  // What the comments say: sync copies only b.txt, the old commit's bucket has the whole branch as it was,
  // the diff names the changed key only, and the job's commit holds what it wrote.
  const uploads = (key: string) => r.stdout.split(`upload: holiday/${key} to `).length - 1;
  expect([uploads("a.txt"), uploads("b.txt")]).toEqual([1, 2]);
  // The old commit's bucket holds the old b.txt ("sea\n"); a.txt only when its upload committed first (the aws
  // CLI uploads both at once), so it is not asked for.
  expect(r.stdout).toMatch(/^\S+ \S+ +4 b\.txt$/m);
  expect(r.stdout).toMatch(/^M {2}holiday\/b\.txt {2}\(4 B → 11 B\)$/m);
  // The diff against that commit adds a.txt exactly when the old commit's listing lacked it.
  const aInOldCommit = /^\S+ \S+ +4 a\.txt$/m.test(r.stdout);
  expect(r.stdout).toContain(`${aInOldCommit ? 0 : 1} added, 1 modified, 0 deleted`);
  expect(await server.repo.getObject("thumbs", "master", "holiday/a.txt")).toEqual(new TextEncoder().encode("sun\n"));
}, 180_000);

test("the branch workflows run as written, after the tour", async () => {
  const { server, cwd } = await fresh();
  const [tour] = shBlocks(section("## Five-minute tour"));
  const [flows] = shBlocks(section("## Branch workflows"));
  // <merge commit>: what `strata merge` printed, master's head when the revert runs.
  const r = await runScript(`${tour}\n${flows.replaceAll("<merge commit>", "$(strata log master.site -n 1 | head -1 | cut -d' ' -f2)")}`, server, cwd);
  const log = server.repo.repoCommits("site", 100).commits;
  const devWork = log.find((c) => c.message === "a friendlier page")!;
  expect(devWork.meta).toEqual({ ticket: "WEB-7" });
  expect(log.find((c) => c.message === "ship the friendlier page")).toMatchObject({ merged: devWork.id, author: "anonymous", meta: { "reviewed-by": "bo" } });
  expect(r.stdout).toContain("Merge:  ");
  expect(r.stdout).toContain("<h1>hello, world</h1>\n"); // read from the tag's bucket
  expect(r.stdout).toContain("exit 6\n");
  expect(r.stdout).toContain("<h1>hello</h1>\n"); // reverted
  expect(r.stderr).toMatch(/KEY +BASE +SOURCE \(dev\.site\) +DEST \(master\.site\)\nsite\.css +\(absent\) +20 B, version [0-9a-f]{32} +21 B, version [0-9a-f]{32}\n/);
  expect(r.stdout).toEndWith("exit 4\n");
  expect(new TextDecoder().decode(await server.repo.getObject("site", "master", "index.html", server.repo.tag("site", "v1")!.commit))).toBe("<h1>hello, world</h1>\n");
}, 180_000);

test("the auth example runs as written against `strata serve --auth`, with the token it printed on stderr", async () => {
  const cwd = tempDir();
  dirs.push(cwd);
  const port = await freePort();
  const serve = await startServerProcess(path.join(BIN_DIR, "bun"), [path.join(ROOT, "src/main.ts"), "serve", "--auth", "--port", String(port), "--data-dir", path.join(cwd, "data")], { port, cwd, env: { PATH: process.env.PATH! } });
  try {
    const token = /Admin token[^:]*: (strata_\S+)/.exec(serve.stderr())?.[1];
    expect(token).toBeDefined();
    expect(serve.stderr()).toContain("bind 0.0.0.0"); // with auth on it listens on every address
    const [example] = shBlocks(section("## Authentication and access control"));
    const r = await runScript(example, serve, cwd, { TOKEN: token! });
    // What each line says it does, in order: the bucket, the user, the role, the token (shown once), the lists.
    expect(r.stdout).toContain("make_bucket: photos");
    expect(r.stdout).toContain("created user alice");
    expect(r.stdout).toContain("alice is reader of photos");
    const alice = /strata_[0-9a-f]{40}/.exec(r.stdout)?.[0];
    expect(alice).toBeDefined();
    expect(r.stdout).toMatch(/^alice\s+-\s+\S+ \S+\s+photos:reader$/m);
    expect(r.stdout).toMatch(/^[0-9a-f]+\s+alice\s+\S+ \S+\s+laptop$/m);
    expect(r.stdout.split(alice!).length).toBe(2); // the token list does not show it again
    expect(r.stdout).toContain("alice has no role in photos now");
  } finally {
    serve.proc.kill("SIGTERM");
    expect((await serve.exited).code).toBe(0);
  }
  // The request log (stdout) never holds a token.
  expect(serve.stdout()).toContain('"op":"Admin auth/users"');
  expect(serve.stdout()).not.toContain("strata_");
}, 60_000);

/** The CLI table's rows: the verb forms of the first cell and the example of the second (if a command). */
function tableRows(): Array<{ verbs: string[]; example?: string }> {
  const text = section("## The `strata` command");
  const table = text.slice(text.indexOf("| Verb | Example |")).split("\n\n")[0];
  return table
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [first, second] = line.split(/(?<!\\)\|/).slice(1, 3);
      const verbs = [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1].split(" ").filter((w, i, all) => all.slice(0, i + 1).every((x) => /^[a-z]+$/.test(x))).join(" "));
      const example = /`(strata [^`]+)`/.exec(second)?.[1];
      return { verbs, example };
    });
}

test("every verb in the CLI table exists, and every verb is in the table", () => {
  const rows = tableRows();
  const documented = new Set(rows.flatMap((r) => r.verbs));
  for (const verb of documented) expect({ verb, exists: VERBS.has(verb) }).toEqual({ verb, exists: true });
  for (const verb of VERBS) expect({ verb, documented: documented.has(verb) }).toEqual({ verb, documented: true });
});

/** What an example needs to find before it runs (each runs on a fresh server with repo images seeded, but the first). */
const PREPARE: Record<string, string[][]> = {
  "commit finish": [["commit", "start", "master.images"]],
  "commit drop": [["commit", "start", "master.images"]],
  "branch delete": [["branch", "create", "dev.images", "--from", "master"]],
  merge: [["branch", "create", "dev.images", "--from", "master"], ["put", "photo.jpg", "dev.images/crops/"]],
  "auth token create": [["auth", "user", "create", "alice"]],
  "auth grant": [["auth", "user", "create", "alice"]],
};

test("every example in the CLI table runs", async () => {
  const rows = tableRows().filter((r) => r.example);
  expect(rows.length).toBeGreaterThan(20);
  for (const { verbs, example } of rows) {
    const { server, cwd } = await fresh();
    let commit = "";
    if (verbs[0] !== "repo create") {
      await server.repo.versions.createBranch("images", "master");
      commit = (await server.repo.putObject("images", "master", "photos/a.jpg", new TextEncoder().encode("a"))).commit;
      await server.repo.putObject("images", "master", "2024/b.jpg", new TextEncoder().encode("b"));
    }
    fs.mkdirSync(path.join(cwd, "photos"));
    fs.writeFileSync(path.join(cwd, "photos", "new.jpg"), "new");
    fs.writeFileSync(path.join(cwd, "photo.jpg"), "a photo");
    const stopped = Store.open(path.join(cwd, "strata-data")); // a stopped server's data dir, for the offline verbs
    await stopped.close();
    const strata = (args: string[]) => run(path.join(BIN_DIR, "bun"), [path.join(ROOT, "src/main.ts"), ...args], { cwd, env: { PATH: process.env.PATH!, STRATA_SERVER: server.url } });
    for (const args of PREPARE[verbs[0]] ?? []) expect((await strata(args)).code).toBe(0);
    const args = [...example!.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(1).map((a) => a.replace("<commit>", commit));
    if (verbs[0] === "serve") {
      const port = await freePort();
      const s = await startServerProcess(path.join(BIN_DIR, "bun"), [path.join(ROOT, "src/main.ts"), ...args.map((a) => (a === "30600" ? String(port) : a))], { port, cwd, env: { PATH: process.env.PATH! } });
      s.proc.kill("SIGTERM");
      expect((await s.exited).code).toBe(0);
      continue;
    }
    const r = await strata(args);
    expect({ example, code: r.code, stderr: r.stderr }).toEqual({ example, code: 0, stderr: "" });
  }
}, 300_000);

/** The `strata` column of the role table, per role: `a b`/`c` is "a b" and "a c". */
function roleTable(): Array<{ role: string; verbs: string[] }> {
  const text = section("## Authentication and access control");
  const table = text.slice(text.indexOf("| Role | May (S3) | May (`strata`) |")).split("\n\n")[0];
  return table.split("\n").slice(2).map((line) => {
    const [role, , strata] = line.split("|").slice(1, 4).map((c) => c.trim());
    const verbs: string[] = [];
    for (const [, slash, name] of strata.matchAll(/(\/?)`([^`]+)`/g)) {
      const previous = verbs.at(-1)?.split(" ") ?? [];
      verbs.push(slash && name.split(" ").length < previous.length ? [...previous.slice(0, previous.length - name.split(" ").length), name].join(" ") : name);
    }
    return { role: role.split(" ")[0], verbs };
  });
}

/** A command line for each verb the role table names, against repo photos; `R` is the role trying it. */
const ROLE_LINES: Record<string, (r: string, commit: Record<string, string>) => string[][]> = {
  log: () => [["log", "master.photos"]],
  diff: (_, c) => [["diff", `${c.first}.photos`, "master.photos"]],
  ls: () => [["ls", "master.photos"]],
  get: () => [["get", "master.photos/a.txt", "-"]],
  "commit list": () => [["commit", "list", "master.photos"]],
  "commit inspect": () => [["commit", "inspect", "master.photos"]],
  "tag list": () => [["tag", "list", "photos"]],
  "repo list": () => [["repo", "list"]],
  "branch list": () => [["branch", "list", "photos"]],
  put: (r) => [["put", "a-file.txt", `work-${r}.photos/by-${r}.txt`]],
  "commit start": (r) => [["commit", "start", `work-${r}.photos`]],
  "commit finish": (r) => [["commit", "finish", `work-${r}.photos`]],
  "commit drop": (r) => [["commit", "drop", `open-${r}.photos`]],
  merge: (r) => [["merge", "master.photos", `work-${r}.photos`]],
  revert: (r, c) => [["revert", `${c[r]}.undo-${r}.photos`]],
  "tag create": (r) => [["tag", "create", `v-${r}.photos`]],
  "tag delete": (r) => [["tag", "delete", `t-${r}.photos`]],
  "branch create": (r) => [["branch", "create", `new-${r}.photos`]],
  "branch public": (r) => [["branch", "public", `work-${r}.photos`, "on"]],
  "branch protect": (r) => [["branch", "protect", `work-${r}.photos`]],
  "branch unprotect": (r) => [["branch", "unprotect", `work-${r}.photos`]],
  "branch delete": (r) => [["branch", "delete", `gone-${r}.photos`, "--force"]],
  "repo create": (r) => [["repo", "create", `repo-${r}`]],
  "repo delete": (r) => [["repo", "delete", `doomed-${r}`, "--force"]],
  auth: () => [["auth", "user", "list"], ["auth", "token", "list"]],
  fsck: () => [["fsck"]],
  gc: () => [["gc"]],
  run: (r) => [["run", "--output", `job-${r}.photos`, "--", "true"]],
};

test("the role table: each role may run exactly the strata verbs of its row and the rows above", async () => {
  const { server, cwd } = await fresh(true);
  fs.writeFileSync(path.join(cwd, "a-file.txt"), "a");
  const asUser = (token: string) => async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), status() {}, write: async () => {}, tty: false, stdoutTty: false };
    const cwdBefore = process.cwd();
    process.chdir(cwd);
    try {
      return { code: await runCli(args, io, COMMANDS, { STRATA_SERVER: server.url, AWS_ACCESS_KEY_ID: token, AWS_SECRET_ACCESS_KEY: token }), out: out.join("\n"), err: err.join("\n") };
    } finally {
      process.chdir(cwdBefore);
    }
  };
  const admin = asUser(server.adminToken!);
  const ok = async (args: string[]) => {
    const r = await admin(args);
    if (r.code !== 0) throw new Error(`strata ${args.join(" ")}: ${r.code} ${r.err}`);
    return r.out;
  };
  const rows = roleTable();
  expect(rows.map((r) => r.role)).toEqual(["reader", "writer", "owner", "admin"]);
  const named = rows.flatMap((r) => r.verbs);
  for (const verb of named) expect({ verb, line: verb in ROLE_LINES }).toEqual({ verb, line: true });
  await ok(["repo", "create", "photos"]);
  await ok(["repo", "create", "other"]);
  await ok(["put", "a-file.txt", "master.photos/a.txt"]);
  const commits: Record<string, string> = { first: JSON.parse(await ok(["commit", "inspect", "master.photos", "--json"])).id };
  for (const { role } of rows) {
    for (const b of ["work", "open", "undo", "gone", "job"]) await ok(["branch", "create", `${b}-${role}.photos`, "--from", "master"]);
    await ok(["commit", "start", `open-${role}.photos`]);
    commits[role] = JSON.parse(await ok(["put", "a-file.txt", `undo-${role}.photos/undo.txt`, "--json"])).commit;
    await ok(["tag", "create", `t-${role}.photos`]);
    await ok(["repo", "create", `doomed-${role}`]);
  }
  const allowed = new Set<string>();
  for (const { role, verbs } of rows) {
    for (const v of verbs) allowed.add(v);
    let as = admin;
    if (role !== "admin") {
      await ok(["auth", "user", "create", role]);
      await ok(["auth", "grant", role, role, "photos"]);
      as = asUser(JSON.parse(await ok(["auth", "token", "create", role, "--json"])).token);
    }
    for (const verb of named) {
      for (const args of ROLE_LINES[verb](role, commits)) {
        const r = await as(args);
        const expected = role === "admin" || allowed.has(verb) ? 0 : 6;
        expect({ role, args, code: r.code, err: r.err }).toEqual({ role, args, code: expected, err: r.err }); // err: shown when it fails
      }
    }
    // "its repos only": a role in photos lists photos, not other.
    if (role !== "admin") expect(JSON.parse((await as(["repo", "list", "--json"])).out).repos.map((r: { name: string }) => r.name)).toEqual(["photos"]);
  }
}, 120_000);

test("the groups the README names are the verb table's", () => {
  const named = [.../lists a group \(([^)]*)\)/.exec(README)![1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  expect(named.sort()).toEqual([...new Set([...VERBS].filter((v) => v.includes(" ")).map((v) => v.split(" ")[0]))].sort());
});

/** A value for a flag of the serve table, from the name the README gives it. */
function sampleValue(flag: string, valueName: string): string {
  if (valueName.includes("://") && !valueName.startsWith("URL")) return valueName;
  if (valueName.includes("|")) return valueName.split("|").at(-1)!;
  const byFlag: Record<string, string> = { meta: "postgres://db/strata", "blobs-endpoint": "http://minio:9000" };
  const byName: Record<string, string> = { N: "7", ADDR: "0.0.0.0", DIR: "/tmp/strata-sample", R: "eu-west-1", FILE: "/tmp/sample.pem", NAME: "example.test", ORIGIN: "https://app.example", SIZE: "128MiB", DURATION: "90s" };
  const v = byFlag[flag] ?? byName[valueName];
  if (v === undefined) throw new Error(`no sample value for --${flag} ${valueName}: add one to the test`);
  return v;
}

const defaultIn = (text: string) => /\(.*?default:? ([^;)]+)/.exec(text)?.[1].replaceAll("`", "").trim();

test("the serve flag table is serve's option spec: each flag with its variable and default, the variable doing what the flag does", async () => {
  const text = section("### `strata serve` flags (flags win over environment variables)");
  const rows = text.slice(text.indexOf("| Flag | Variable | Meaning |")).split("\n\n")[0].split("\n").slice(2)
    .map((line) => line.split(/(?<!\\)\|/).slice(1, 4).map((c) => c.trim().replaceAll("\\|", "|")));
  const documented = new Set<string>();
  for (const [flags, variables, meaning] of rows) {
    const parsed = [...flags.matchAll(/--([a-z-]+)(?: ([^\s`\]]+))?/g)].map((m) => ({ flag: m[1], valueName: m[2] }));
    const vars = [...variables.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);
    expect({ flags, variables: vars as Array<string | undefined> }).toEqual({ flags, variables: parsed.map((p) => SERVE_OPTIONS[p.flag]?.env) });
    if (parsed.length === 1 && defaultIn(meaning) !== undefined) {
      expect({ flag: parsed[0].flag, default: defaultIn(meaning) }).toEqual({ flag: parsed[0].flag, default: defaultIn(SERVE_OPTIONS[parsed[0].flag].help) });
    }
    // The row's flags, and its variables instead, make the same config, and not the default one.
    const argv: string[] = [];
    const env: Record<string, string> = {};
    for (const { flag, valueName } of parsed) {
      documented.add(flag);
      const value = SERVE_OPTIONS[flag].type === "boolean" ? undefined : sampleValue(flag, valueName);
      argv.push(`--${flag}`, ...(value === undefined ? [] : [value]));
      env[SERVE_OPTIONS[flag].env!] = value ?? "1";
    }
    const configOf = async (args: string[], vars: Record<string, string>) => {
      let config: unknown;
      const io = { out() {}, err: (t: string) => { throw new Error(t); }, status() {}, write: async () => {}, tty: false, stdoutTty: false };
      await runCli(["serve", ...args], io, [{ ...serveCommand, run: async (ctx) => void (config = serveConfig(ctx.values)) }], vars);
      return config;
    };
    const fromFlags = await configOf(argv, {});
    expect({ flags, config: await configOf([], env) }).toEqual({ flags, config: fromFlags });
    expect({ flags, changes: fromFlags }).not.toEqual({ flags, changes: await configOf([], {}) });
  }
  expect([...documented].sort()).toEqual(Object.keys(SERVE_OPTIONS).sort());
});
