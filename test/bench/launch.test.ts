// Launching a server, timing its first answer, sampling its tree's RSS and killing the tree.
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, launch, timeToFirstAnswer } from "../../scripts/bench/launch.ts";
import { PhaseCpu } from "../../scripts/bench/cpu.ts";
import { processTree, rssOf, RssSampler } from "../../scripts/bench/rss.ts";

test("the ceiling starts, answers, and is gone after stop", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-launch-"));
  try {
    const port = await freePort();
    const server = launch([process.execPath, join(import.meta.dir, "../../scripts/bench/ceiling-server.ts"), "--port", String(port), "--dir", dir], {
      logPath: join(dir, "log"),
    });
    const ms = await timeToFirstAnswer(server, `http://127.0.0.1:${port}/`);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(30_000);
    await server.stop();
    expect(server.exited()).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("timeToFirstAnswer gives up when the server dies", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-launch-"));
  try {
    const server = launch(["sh", "-c", "exit 3"], { logPath: join(dir, "log") });
    await expect(timeToFirstAnswer(server, `http://127.0.0.1:${await freePort()}/`)).rejects.toThrow("exited");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the RSS of a process tree counts the children, and stop kills them all", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-launch-"));
  try {
    const server = launch(["sh", "-c", "sleep 30 & sleep 30 & wait"], { logPath: join(dir, "log") });
    let tree: number[] = [];
    for (let i = 0; i < 100 && tree.length < 3; i++) {
      await Bun.sleep(10);
      tree = processTree(server.pid);
    }
    expect(tree.length).toBe(3);
    const sampler = new RssSampler(server.pid);
    const total = sampler.sample();
    expect(total).toBeGreaterThan(rssOf(server.pid));
    expect(sampler.peak).toBe(total);
    await server.stop();
    await Bun.sleep(50);
    expect(tree.map(rssOf)).toEqual([0, 0, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("PhaseCpu gives a busy stretch the tree's CPU time and an idle one next to none", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-launch-"));
  try {
    // A child that spins only while the file "busy" exists.
    const busy = join(dir, "busy");
    const server = launch(["sh", "-c", `while true; do if [ -e ${busy} ]; then :; else sleep 0.01; fi; done`], { logPath: join(dir, "log") });
    const cpu = new PhaseCpu(server.pid);
    cpu.mark("idle");
    await Bun.sleep(300);
    await Bun.write(busy, "");
    cpu.mark("busy");
    // Long enough for the spinning child to collect several 10 ms ticks even on a loaded machine, where it
    // gets a small share of a core.
    await Bun.sleep(1000);
    rmSync(busy);
    cpu.stop();
    await server.stop();
    expect(cpu.microsByLabel.busy).toBeGreaterThan(50_000);
    expect(cpu.microsByLabel.idle).toBeLessThan(cpu.microsByLabel.busy / 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
