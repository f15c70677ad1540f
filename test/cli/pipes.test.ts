// Output into a slow pipe is whole: every verb that prints, for people and with --json, run as `strata … |
// (sleep 1; wc -c)` gives as many bytes as `strata … > file`, and exits 0. Each output is made larger than a
// pipe's buffer (64 KiB), so a process that exits before its output drained loses bytes here. So does the
// request log of `serve` when it stops.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StrataServer } from "../../src/server.ts";
import { freePort, run } from "../helpers/process.ts";
import { withServer } from "../helpers/server.ts";
import { ROOT, tempDir } from "./helpers.ts";

const PIPE_BUFFER = 65_536;
/** What `npm link` puts on PATH: the sources under the checkout's Bun. */
const STRATA = path.join(ROOT, "bin/strata");

let server: StrataServer;
let dir: string;
let firstCommit: string;
let tokenUser: string;

/** A key of about 800 bytes in folders (each path segment stays under a file name's 255 bytes). */
const longKey = (i: number) => `keys/${"k".repeat(200)}/${"e".repeat(200)}/${"y".repeat(200)}/${String(i).padStart(4, "0")}-${"z".repeat(150)}.txt`;

async function admin(method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${server.url}/_strata/${route}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  server = await withServer();
  dir = tempDir();
  const repo = server.repo;
  // repo pipes: a long description, 100 commits with long messages and keys, one big object.
  await admin("POST", "repos", { name: "pipes", description: "d".repeat(PIPE_BUFFER + 1000) });
  for (let i = 0; i < 100; i++) {
    await repo.startCommit("pipes", "master", `commit ${i}: ${"m".repeat(700)}`);
    await repo.putObject("pipes", "master", longKey(i), new TextEncoder().encode(String(i)));
    const c = await repo.finishCommit("pipes", "master");
    firstCommit ??= c.id;
  }
  await repo.startCommit("pipes", "master", "x".repeat(PIPE_BUFFER + 1000));
  await repo.putObject("pipes", "master", "big.bin", new Uint8Array(300_000).fill(7));
  await repo.finishCommit("pipes", "master");
  // repo many: 800 branches; 700 users with long names; one user with tokens with long labels.
  for (let i = 0; i < 800; i++) await repo.versions.createBranch("many", `branch-${String(i).padStart(4, "0")}-${"b".repeat(50)}`);
  for (let i = 0; i < 700; i++) await admin("POST", "auth/users", { name: `user-${String(i).padStart(4, "0")}-${"u".repeat(53)}` });
  tokenUser = "user-0000-" + "u".repeat(53);
  for (let i = 0; i < 3; i++) await admin("POST", `auth/users/${tokenUser}/tokens`, { label: "l".repeat(25_000) });
  // 900 local files with long names, to hash.
  fs.mkdirSync(path.join(dir, "files"));
  for (let i = 0; i < 900; i++) fs.writeFileSync(path.join(dir, "files", `${String(i).padStart(4, "0")}-${"f".repeat(60)}`), String(i));
}, 300_000);

afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CASES: Array<[string, () => string[]]> = [
  ["repo list", () => ["repo", "list"]],
  ["branch list", () => ["branch", "list", "many"]],
  ["commit list", () => ["commit", "list", "master.pipes"]],
  ["commit list --all", () => ["commit", "list", "pipes", "--all"]],
  ["commit inspect", () => ["commit", "inspect", "master.pipes"]],
  ["log", () => ["log", "master.pipes"]],
  ["diff", () => ["diff", `${firstCommit}.pipes`, "master.pipes"]],
  ["ls -r", () => ["ls", "master.pipes/keys/", "-r"]],
  ["get to a folder (a line per file)", () => ["get", "master.pipes/keys/", path.join(dir, "got")]],
  ["auth user list", () => ["auth", "user", "list"]],
  ["auth token list", () => ["auth", "token", "list", tokenUser]],
  ["hash", () => ["hash", ...fs.readdirSync(path.join(dir, "files")).map((f) => path.join("files", f))]],
];

const ALL: Array<[string, () => string[]]> = [
  ...CASES.flatMap(([name, args]): Array<[string, () => string[]]> => [[name, args], [`${name} --json`, () => [...args(), "--json"]]]),
  ["get of one object to -", () => ["get", "master.pipes/big.bin", "-"]],
];

const env = () => ({ PATH: process.env.PATH!, STRATA_SERVER: server.url, OUT: path.join(dir, "out") });

test.each(ALL)("%s: all of it into a slow pipe, exit 0", async (_name, args) => {
  const argv = args();
  // Into a file, and into a reader that waits a second before it reads; each then prints strata's exit code.
  const [toFile, piped] = await Promise.all([
    run("bash", ["-c", `"$0" "$@" > "$OUT"; echo $?`, STRATA, ...argv], { cwd: dir, env: env() }),
    run("bash", ["-c", `"$0" "$@" | (sleep 1; wc -c); echo "\${PIPESTATUS[0]}"`, STRATA, ...argv], { cwd: dir, env: env() }),
  ]);
  expect(toFile.stdout.trim()).toBe("0");
  const size = fs.statSync(path.join(dir, "out")).size;
  expect(size).toBeGreaterThan(PIPE_BUFFER);
  expect(piped.stdout.trim().split(/\s+/).map(Number)).toEqual([size, 0]);
}, 60_000);

test("serve: the request log into a slow pipe is whole when the server stops", async () => {
  const port = await freePort();
  const out = path.join(dir, "log");
  // exec: the pid is strata's; its stdout is a reader that waits three seconds before it reads.
  const proc = spawn("bash", ["-c", `exec "$0" "$@" > >(sleep 3; cat > "${out}")`, STRATA, "serve", "--ephemeral", "--port", String(port)], { env: { PATH: process.env.PATH! }, stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) await Bun.sleep(50);
  const keys = Array.from({ length: 300 }, (_, i) => `${"k".repeat(500)}-${i}`);
  for (const key of keys) await (await fetch(`${url}/no-such-bucket/${key}`)).text();
  proc.kill("SIGTERM");
  expect(await exited).toBe(0);
  while (!fs.existsSync(out) || fs.statSync(out).size === 0) await Bun.sleep(100);
  await Bun.sleep(200);
  const logged = fs.readFileSync(out, "utf8").trim().split("\n").map((line) => JSON.parse(line).key);
  expect(logged.length).toBeGreaterThan(0);
  expect(keys.filter((k) => !logged.includes(k))).toEqual([]);
  expect(fs.statSync(out).size).toBeGreaterThan(PIPE_BUFFER);
}, 60_000);
