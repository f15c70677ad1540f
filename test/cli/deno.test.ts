// The same sources under Deno 2, started the README's way (`deno task start`): the web console is served, then the
// aws CLI puts, gets and lists.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { aws, BIN_DIR, expectConsoleServed, ROOT, tempDir } from "./helpers.ts";
import { freePort, type ServerProcess, startServerProcess } from "../helpers/process.ts";

let server: ServerProcess;
let work: string;

beforeAll(async () => {
  const port = await freePort();
  work = tempDir();
  server = await startServerProcess(path.join(BIN_DIR, "deno"), ["task", "start", "--port", String(port), "--bind", "127.0.0.1", "--ephemeral", "--quiet"], {
    port,
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? work, DENO_NO_UPDATE_CHECK: "1" },
    // Deno transpiles every changed source on its first start; on a loaded machine that once took over 15 s.
    readyTimeoutMs: 50_000,
  });
}, 60_000);

afterAll(async () => {
  if (server.proc.exitCode === null) {
    server.proc.kill("SIGTERM");
    await server.exited;
  }
  fs.rmSync(work, { recursive: true, force: true });
});

test("Deno: the web console's page and script, with their content types", async () => {
  await expectConsoleServed(server.url);
}, 30_000);

test("Deno: aws CLI put, get, list; SIGTERM exits 0", async () => {
  const file = path.join(work, "deno.txt");
  fs.writeFileSync(file, "served by deno");
  expect((await aws(server.url, ["s3", "mb", "s3://under-deno"])).code).toBe(0);
  expect((await aws(server.url, ["s3", "cp", file, "s3://under-deno/dir/deno.txt"])).code).toBe(0);
  expect((await aws(server.url, ["s3", "cp", "s3://under-deno/dir/deno.txt", "-"])).stdout).toBe("served by deno");
  const ls = await aws(server.url, ["s3", "ls", "--recursive", "s3://under-deno"]);
  expect(ls.stdout).toContain("dir/deno.txt");
  const admin = await (await fetch(`${server.url}/_strata/objects?ref=under-deno&delimiter=/`)).json();
  expect(admin.prefixes).toEqual(["dir/"]);
  server.proc.kill("SIGTERM");
  expect(await server.exited).toEqual({ code: 0, signal: null });
}, 60_000);
