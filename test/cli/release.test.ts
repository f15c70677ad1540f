// Release binaries: `npm run build:release`'s linux-arm64 binary, run under emulation (qemu-user-static with
// Debian's arm64 glibc), serves S3: PUT, GET, list and a versioned read; `--version` names its commit and target.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, run, type ServerProcess, startServerProcess } from "../helpers/process.ts";
import { tempDir } from "../helpers/server.ts";
import { ROOT } from "./helpers.ts";

const QEMU = "/usr/bin/qemu-aarch64-static";
const ARM64_LIBS = "/usr/aarch64-linux-gnu";
const DIST = path.join(ROOT, "dist");
let dir: string;
let server: ServerProcess | undefined;

beforeAll(async () => {
  dir = tempDir("strata-arm64-");
  const build = await run(process.execPath, [path.join(ROOT, "scripts/build-release.ts"), "bun-linux-arm64"], { cwd: ROOT, env: process.env as Record<string, string> });
  if (build.code !== 0) throw new Error(`build:release failed: ${build.stderr}`);
}, 180_000);

afterAll(() => {
  if (server && server.proc.exitCode === null) server.proc.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

const emulated = (args: string[]) => [path.join(DIST, "strata-linux-arm64"), ...args];
const env = { PATH: "/usr/bin:/bin", QEMU_LD_PREFIX: ARM64_LIBS };

test("the binary is an aarch64 ELF listed in SHA256SUMS, and --version names its commit and target", async () => {
  const elf = fs.readFileSync(path.join(DIST, "strata-linux-arm64")).subarray(0, 20);
  expect([...elf.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
  expect(elf.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
  expect(execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: DIST, encoding: "utf8" })).toContain("strata-linux-arm64: OK");
  const commit = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  const version = await run(QEMU, emulated(["--version"]), { env });
  expect(version.code).toBe(0);
  expect(version.stdout).toContain(`commit ${commit}`);
  expect(version.stdout).toContain("bun-linux-arm64");
}, 60_000);

test("under emulation it serves: PUT, GET, list and a versioned read", async () => {
  const port = await freePort();
  server = await startServerProcess(QEMU, emulated(["serve", "--port", String(port), "--bind", "127.0.0.1", "--data-dir", path.join(dir, "data"), "--quiet"]), {
    port,
    env,
    readyTimeoutMs: 90_000,
  });
  const url = server.url;
  expect((await fetch(`${url}/edge`, { method: "PUT" })).status).toBe(200);
  const first = await fetch(`${url}/edge/notes/a.txt`, { method: "PUT", body: "first" });
  expect(first.status).toBe(200);
  const v1 = first.headers.get("x-amz-version-id")!;
  expect((await fetch(`${url}/edge/notes/a.txt`, { method: "PUT", body: "second" })).status).toBe(200);
  expect(await (await fetch(`${url}/edge/notes/a.txt`)).text()).toBe("second");
  expect(await (await fetch(`${url}/edge/notes/a.txt?versionId=${v1}`)).text()).toBe("first");
  const list = await (await fetch(`${url}/edge?list-type=2&prefix=notes/`)).text();
  expect(list).toContain("<Key>notes/a.txt</Key>");
  expect(list).toContain("<KeyCount>1</KeyCount>");
  server.proc.kill("SIGTERM");
  expect(await server.exited).toEqual({ code: 0, signal: null });
}, 180_000);
