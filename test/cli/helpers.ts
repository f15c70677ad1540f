// Helpers for the command-line tests: the built binary in an empty folder, child processes, the aws CLI.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect } from "bun:test";
import type { StrataServer } from "../../src/server.ts";
import { type Result, run } from "../helpers/process.ts";
import { withServer } from "../helpers/server.ts";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BIN_DIR = path.join(ROOT, "node_modules/.bin");
/** What `env -i PATH=/usr/bin:/bin` leaves: the binary must need nothing else. */
export const CLEAN_ENV = { PATH: "/usr/bin:/bin" };

let built: Promise<string> | undefined;

/** `npm run build` once per test run, then the binary copied into a fresh empty folder. */
export async function binaryInEmptyFolder(): Promise<{ dir: string; bin: string }> {
  built ??= run("npm", ["run", "build"], { cwd: ROOT, env: { ...process.env, PATH: `${BIN_DIR}:${process.env.PATH}` } }).then((r) => {
    if (r.code !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
    return path.join(ROOT, "dist/strata");
  });
  const source = await built;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-bin-"));
  const bin = path.join(dir, "strata");
  fs.copyFileSync(source, bin);
  fs.chmodSync(bin, 0o755);
  return { dir, bin };
}

/** The aws CLI against an endpoint, with throwaway credentials. */
export function aws(endpoint: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Result> {
  return run("aws", ["--endpoint-url", endpoint, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: "strata-test",
      AWS_SECRET_ACCESS_KEY: "strata-test",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
      ...extraEnv,
    },
  });
}

export function tempDir(prefix = "strata-cli-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface BinaryAndServer {
  server: StrataServer;
  /** the empty folder the binary runs in */
  dir: string;
  bin: string;
  /** runs the binary in `dir` with a clean environment pointed at `server` */
  strata(args: string[], env?: Record<string, string>): Promise<Result>;
  /** runs a verb with --json, expects exit 0 and returns the parsed document */
  json<T = any>(...args: string[]): Promise<T>;
}

/** For one test file: an in-process server and the built binary in an empty folder, made before its tests. */
export function binaryAndServer(): BinaryAndServer {
  const t = {
    strata: (args: string[], env: Record<string, string> = {}) => run(t.bin, args, { cwd: t.dir, env: { ...CLEAN_ENV, STRATA_SERVER: t.server.url, ...env } }),
    async json(...args: string[]) {
      const r = await t.strata([...args, "--json"]);
      if (r.code !== 0) throw new Error(`strata ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout);
    },
  } as BinaryAndServer;
  beforeAll(async () => {
    t.server = await withServer();
    ({ dir: t.dir, bin: t.bin } = await binaryInEmptyFolder());
  }, 120_000);
  afterAll(async () => {
    await t.server.stop();
    fs.rmSync(t.dir, { recursive: true, force: true });
  });
  return t;
}

/** Content types of the console's assets, by what the page names (all of them come from the server itself). */
const ASSET_TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8" };

/**
 * The web console as a browser first meets it on a running server: `/` sends it there, the page and every asset
 * the page names come from the server itself (relative links, nothing fetched from elsewhere) with their content
 * types, and the page's policy keeps the browser from fetching anything off the server.
 */
export async function expectConsoleServed(url: string): Promise<void> {
  const visit = await fetch(`${url}/`, { headers: { accept: "text/html" }, redirect: "manual" });
  expect([visit.status, visit.headers.get("location")]).toEqual([302, "/_strata/console/"]);
  const page = await fetch(`${url}/_strata/console/`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(page.headers.get("content-security-policy")).toStartWith("default-src 'self';");
  const html = await page.text();
  const assets = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]).filter((a) => !a.startsWith("#") && !a.startsWith("data:"));
  expect(assets).toEqual(["./app.js"]);
  for (const asset of assets) {
    const res = await fetch(new URL(asset, `${url}/_strata/console/`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(ASSET_TYPES[path.extname(asset)]);
    expect((await res.text()).length).toBeGreaterThan(1000);
  }
}
