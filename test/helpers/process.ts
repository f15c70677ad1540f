// Child processes for tests: running commands, free ports, and Strata servers in their own process.
import { type ChildProcess, spawn } from "node:child_process";
import * as net from "node:net";

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

/**
 * Starts a server process (`<cmd> ... serve --port P ...`) and waits until /healthz answers, for at most
 * `readyTimeoutMs` (default 15 s).
 */
export async function startServerProcess(
  cmd: string,
  args: string[],
  options: { port: number; env: Record<string, string>; cwd?: string; readyTimeoutMs?: number },
): Promise<ServerProcess> {
  const started = performance.now();
  const proc = spawn(cmd, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${options.port}`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited early (${proc.exitCode}): ${err}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > (options.readyTimeoutMs ?? 15_000)) {
      throw new Error(`server did not answer /healthz within ${options.readyTimeoutMs ?? 15_000} ms: ${err} ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, port: options.port, url, stdout: () => out, stderr: () => err, readyMs: performance.now() - started, exited };
}
