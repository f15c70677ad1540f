// Starting and stopping the servers under test. Each runs in its own process group so the whole
// tree (launcher script and real server) dies together; every group started is remembered and
// killed when this process exits, however it exits.
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { createServer } from "node:net";

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

process.on("exit", () => {
  for (const child of live) killGroup(child, "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    for (const child of live) killGroup(child, "SIGKILL");
    process.exit(130);
  });
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface Launched {
  pid: number;
  /** performance.now() just before the spawn. */
  spawnedAt: number;
  exited(): boolean;
  stop(): Promise<void>;
}

/** Spawns `cmd` in a new process group with stdout and stderr going to `logPath`. */
export function launch(cmd: string[], opts: { logPath: string; cwd?: string; env?: Record<string, string> }): Launched {
  const log = openSync(opts.logPath, "a");
  const spawnedAt = performance.now();
  const child = spawn(cmd[0], cmd.slice(1), {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", log, log],
    detached: true,
  });
  closeSync(log);
  live.add(child);
  let done = false;
  const exit = new Promise<void>((resolve) => {
    const finish = () => {
      done = true;
      live.delete(child);
      resolve();
    };
    child.once("exit", finish);
    child.once("error", finish);
  });
  return {
    pid: child.pid ?? -1,
    spawnedAt,
    exited: () => done,
    async stop() {
      if (done) return;
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 3000);
      await exit;
      clearTimeout(timer);
      killGroup(child, "SIGKILL"); // anything the leader left behind in its group
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `url` every `pollMs` until the server gives any HTTP answer below 500, and returns the
 * milliseconds from spawn to that answer.
 */
export async function timeToFirstAnswer(server: Launched, url: string, opts: { pollMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const pollMs = opts.pollMs ?? 5;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 500) return performance.now() - server.spawnedAt;
    } catch {
      // not listening yet
    }
    if (server.exited()) throw new Error("server exited before answering");
    if (performance.now() - server.spawnedAt > timeoutMs) throw new Error(`no answer within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}
