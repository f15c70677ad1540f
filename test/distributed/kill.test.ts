// SIGKILL of a gateway in the middle of concurrent writes: every write it acknowledged is there, whole, through
// another gateway, and a new gateway in its place (a fresh process, no disk state) serves on. Gateways keep
// nothing on local disk, so this is also the loss of that gateway's disk.
import { beforeAll, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { gatewaysOnMoto, pgAvailable } from "../helpers/distributed.ts";

const LOAD = path.join(import.meta.dir, "load.py");
const skip = !(await pgAvailable());
const cluster = gatewaysOnMoto("kill", skip);
const { gateways } = cluster;

beforeAll(async () => {
  if (skip) return;
  expect((await fetch(`${gateways[1].url}/photos`, { method: "PUT" })).status).toBe(200);
});

test.skipIf(skip)("SIGKILL of a gateway mid-load loses no acknowledged write", async () => {
  const [victim, survivor] = gateways;
  const lines: Array<{ ack?: string; sha?: string }> = [];
  await new Promise<void>((resolve, reject) => {
    // Writers only through the victim; reads back through the survivor.
    const child = spawn("python3", [LOAD, "load", "photos", `${victim.url},${survivor.url}`, "4", "50"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let killed = false;
    child.stdout.on("data", (d) => {
      out += d;
      const acks = out.split("\n").filter((l) => l.includes('"ack"')).length;
      if (!killed && acks >= 40) {
        killed = true;
        victim.proc.kill("SIGKILL");
        // The writes in flight at the kill are what matters; the rest would only retry against a dead gateway.
        setTimeout(() => child.kill("SIGTERM"), 2000);
      }
    });
    child.on("error", reject);
    child.on("close", () => {
      // Lines are whole up to the last newline (the writers print each line at once).
      for (const l of out.split("\n").slice(0, -1)) lines.push(JSON.parse(l));
      killed ? resolve() : reject(new Error(`load ended before the kill: ${out.slice(-500)}`));
    });
  });
  expect((await victim.exited).signal).toBe("SIGKILL");
  const acks = lines.filter((l) => l.ack);
  expect(acks.length).toBeGreaterThanOrEqual(40);
  for (const a of acks) {
    const res = await fetch(`${survivor.url}/photos/${a.ack}`);
    expect(res.status).toBe(200);
    expect(new Bun.CryptoHasher("sha256").update(new Uint8Array(await res.arrayBuffer())).digest("hex")).toBe(a.sha!);
  }
  // A new gateway takes the victim's place and sees everything.
  const replacement = await cluster.add();
  const a = acks.at(-1)!;
  expect((await fetch(`${replacement.url}/photos/${a.ack}`)).status).toBe(200);
  expect((await fetch(`${replacement.url}/photos/after-kill`, { method: "PUT", body: "still here" })).status).toBe(200);
  expect(await (await fetch(`${survivor.url}/photos/after-kill`)).text()).toBe("still here");
}, 180_000);
