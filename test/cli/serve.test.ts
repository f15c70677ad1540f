// `strata serve` defaults that keep a new server from being open to the network by accident, and where
// its first admin token goes (stderr, once; never the request log on stdout).
import { afterEach, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, type ServerProcess, startServerProcess } from "../helpers/process.ts";
import { BIN_DIR, ROOT, tempDir } from "./helpers.ts";

const running: ServerProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    s.proc.kill("SIGTERM");
    await s.exited;
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function serve(args: string[]): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = tempDir();
  dirs.push(dataDir);
  const server = await startServerProcess(path.join(BIN_DIR, "bun"), [path.join(ROOT, "src/main.ts"), "serve", "--port", String(port), "--data-dir", dataDir, ...args], {
    port,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME! },
  });
  running.push(server);
  return server;
}

test("auth off: binds 127.0.0.1 unless --bind says otherwise, which warns", async () => {
  const local = await serve([]);
  expect(local.stderr()).toContain("bind 127.0.0.1, auth off");
  expect(local.stderr()).not.toContain("WARNING");
  const open = await serve(["--bind", "0.0.0.0"]);
  expect(open.stderr()).toContain("bind 0.0.0.0, auth off");
  expect(open.stderr()).toContain("WARNING: auth is off and the server listens on 0.0.0.0");
});

test("auth on: binds 0.0.0.0; the admin token goes to stderr once, never into the request log", async () => {
  const server = await serve(["--auth"]);
  expect(server.stderr()).toContain("bind 0.0.0.0, auth on");
  const token = /strata_[0-9a-f]{40}/.exec(server.stderr())?.[0];
  expect(token).toBeDefined();
  expect(server.stderr()).not.toContain("WARNING");
  const r = await fetch(`${server.url}/_strata/auth/users`, { headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  await fetch(`${server.url}/`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(server.stdout()).toContain('"op":"Admin auth/users"');
  expect(server.stdout()).not.toContain("strata_");
});

test("flags are checked like every verb's: unknown flags, bad choices, bad ports are usage errors", async () => {
  const { run } = await import("../helpers/process.ts");
  const main = path.join(ROOT, "src/main.ts");
  const env = { PATH: process.env.PATH! };
  for (const args of [["--frobnicate"], ["--etag", "crc"], ["--port", "99999"], ["--tls-cert", "x.pem"]]) {
    const r = await run(path.join(BIN_DIR, "bun"), [main, "serve", ...args], { env });
    expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
  }
  const envChoice = await run(path.join(BIN_DIR, "bun"), [main, "serve"], { env: { ...env, STRATA_ETAG: "crc" } });
  expect([envChoice.code, envChoice.stderr]).toEqual([2, expect.stringContaining("--etag must be one of sha256, md5")]);
});

test("a port in use is exit 4 with a sentence saying so, not a stack trace", async () => {
  const { run } = await import("../helpers/process.ts");
  const http = await import("node:http");
  const port = await freePort();
  const taken = http.createServer();
  await new Promise<void>((resolve) => taken.listen(port, "127.0.0.1", resolve));
  try {
    const tmp = tempDir();
    dirs.push(tmp);
    const r = await run(path.join(BIN_DIR, "bun"), [path.join(ROOT, "src/main.ts"), "serve", "--ephemeral", "--port", String(port)], { env: { PATH: process.env.PATH!, TMPDIR: tmp } });
    expect([r.code, r.stderr]).toEqual([4, `strata serve: port ${port} is in use (another Strata, or another program): stop it, or pick another with --port\n`]);
    expect(fs.readdirSync(tmp)).toEqual([]); // the --ephemeral data dir it made is gone again
  } finally {
    taken.close();
  }
});
