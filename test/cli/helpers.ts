// Helpers for the command-line tests: the built binary in an empty folder, child processes, the aws CLI.
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BIN_DIR = path.join(ROOT, "node_modules/.bin");
/** What `env -i PATH=/usr/bin:/bin` leaves: the binary must need nothing else. */
export const CLEAN_ENV = { PATH: "/usr/bin:/bin" };

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end without blocking the event loop (an in-process server keeps serving). */
export function run(cmd: string, args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: options.env as NodeJS.ProcessEnv, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin!.end(options.input ?? "");
  });
}

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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  url: string;
  stdout(): string;
  stderr(): string;
  /** ms from spawn until /healthz answered */
  readyMs: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a server process (`<cmd> ... serve --port P ...`) and waits until /healthz answers. */
export async function startServerProcess(cmd: string, args: string[], options: { port: number; env: Record<string, string>; cwd?: string }): Promise<ServerProcess> {
  const started = performance.now();
  const proc = spawn(cmd, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${options.port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited early (${proc.exitCode}): ${err}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error(`server did not answer /healthz within 15 s: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, port: options.port, url, stdout: () => out, stderr: () => err, readyMs: performance.now() - started, exited };
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
