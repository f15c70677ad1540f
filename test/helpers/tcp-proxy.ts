// A TCP proxy in front of a server, to take it away and bring it back without touching the real one (other tests
// share it). In this process (startProxy), or in a process of its own (startProxyProcess) for a test whose own
// thread blocks while it waits on the proxied server (a distributed store's synchronous lookups): run as a script,
// this file proxies to argv[2], prints its port, and obeys "cut" and "restore" lines on stdin.
import { spawn } from "node:child_process";
import * as net from "node:net";

export interface Proxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): void;
}

/**
 * A TCP proxy in front of a server, to take it away and bring it back without touching the real one
 * (other tests share it): cut() resets every connection and refuses new ones until restore().
 */
export async function startProxy(targetPort: number): Promise<Proxy> {
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    const upstream = net.connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** startProxy in a child process; cut() and restore() resolve once it has acted. */
export async function startProxyProcess(targetPort: number): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): void }> {
  const child = spawn(process.execPath, [import.meta.filename, String(targetPort)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffered = "";
  child.stdout!.on("data", (d) => {
    buffered += d;
    for (let i; (i = buffered.indexOf("\n")) >= 0;) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const next = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : waiters.push(resolve)));
  const command = async (c: string) => {
    child.stdin!.write(`${c}\n`);
    if ((await next()) !== c) throw new Error(`proxy did not ${c}`);
  };
  const port = Number(await next());
  return { port, cut: () => command("cut"), restore: () => command("restore"), close: () => void child.kill("SIGKILL") };
}

if (import.meta.main) {
  const proxy = await startProxy(Number(process.argv[2]));
  process.stdout.write(`${proxy.port}\n`);
  let input = "";
  process.stdin.on("data", (d) => {
    input += d;
    for (let i; (i = input.indexOf("\n")) >= 0;) {
      const c = input.slice(0, i);
      input = input.slice(i + 1);
      if (c === "cut") proxy.cut();
      else if (c === "restore") proxy.restore();
      process.stdout.write(`${c}\n`);
    }
  });
}
