// `serve --memory-limit`: the flag, and a real server process that keeps its RSS bounded under a low limit while
// it serves many reads, answering every one right although pressure keeps dropping its caches. (Bounds on memory,
// never on time: the machine is shared.)
import { afterEach, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { serveConfig } from "../../src/config.ts";
import { freePort, type ServerProcess, startServerProcess } from "../helpers/process.ts";
import { BIN_DIR, ROOT, tempDir } from "./helpers.ts";

const MiB = 1024 * 1024;

test("--memory-limit takes a size; no flag is no limit; a nonsense or too small one is a usage error", () => {
  expect(serveConfig({}).memoryLimit).toBeUndefined();
  expect(serveConfig({ "memory-limit": "256MiB" }).memoryLimit).toBe(256 * MiB);
  expect(serveConfig({ "memory-limit": "1GiB" }).memoryLimit).toBe(1024 * MiB);
  expect(() => serveConfig({ "memory-limit": "lots" })).toThrow(/--memory-limit/);
  expect(() => serveConfig({ "memory-limit": "16MiB" })).toThrow(/at least 64MiB/);
});

let server: ServerProcess | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  if (server && server.proc.exitCode === null) {
    server.proc.kill("SIGTERM");
    await server.exited;
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** kB figures of /proc/PID/status: VmRSS now, VmHWM the peak. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)![1]) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1]);

test("under --memory-limit 96MiB, many reads keep RSS bounded and every answer right", async () => {
  const limit = 96 * MiB;
  const port = await freePort();
  dataDir = tempDir();
  server = await startServerProcess(path.join(BIN_DIR, "bun"), [path.join(ROOT, "src/main.ts"), "serve", "--port", String(port), "--data-dir", dataDir, "--quiet", "--memory-limit", "96MiB"], {
    port,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME! },
  });
  const url = server.url;
  expect((await fetch(`${url}/lots`, { method: "PUT" })).status).toBe(200);
  const keys = Array.from({ length: 1200 }, (_, i) => `dir${i % 40}/object-${i}`);
  const bodyOf = (key: string) => `${key} `.repeat(200); // ~3 KB each, each object's own
  const inBatches = async (work: (key: string) => Promise<void>) => {
    for (let i = 0; i < keys.length; i += 16) await Promise.all(keys.slice(i, i + 16).map(work));
  };
  await inBatches(async (key) => {
    expect((await fetch(`${url}/lots/${key}`, { method: "PUT", body: bodyOf(key) })).status).toBe(200);
  });
  const big = new Uint8Array(24 * MiB).map((_, i) => (i * 2654435761) >>> 24); // several chunks through the chunk pool
  expect((await fetch(`${url}/lots/big`, { method: "PUT", body: big })).status).toBe(200);
  for (let round = 0; round < 3; round++) {
    await inBatches(async (key) => {
      const res = await fetch(`${url}/lots/${key}`);
      expect(await res.text()).toBe(bodyOf(key));
    });
    expect(new Uint8Array(await (await fetch(`${url}/lots/big`)).arrayBuffer())).toEqual(big);
    const listing = await (await fetch(`${url}/lots?list-type=2&prefix=dir7/`)).text();
    expect(listing.match(/<Key>/g)?.length).toBe(30);
  }
  // The guard checks every 250 ms: give it a few rounds to bring RSS back down after the last burst.
  let { rss, peak } = memoryOf(server.proc.pid!);
  for (let i = 0; i < 40 && rss >= limit; i++) {
    await new Promise((r) => setTimeout(r, 250));
    ({ rss, peak } = memoryOf(server.proc.pid!));
  }
  console.log(`--memory-limit 96MiB: RSS ${(rss / MiB).toFixed(0)} MiB at the end, peak ${(peak / MiB).toFixed(0)} MiB`);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  // Pressure did its work (RSS passed 80% of the limit), and the caches it dropped came back as the reads needed them.
  expect(metric(metrics, "strata_memory_pressure_collections_total")).toBeGreaterThan(0);
  expect(metric(metrics, "strata_memory_pressure_cache_drops_total")).toBeGreaterThan(0);
  // Generous bounds (measured: ~85 MB once the guard has acted, a peak of ~115–129 MB); the same work without a
  // limit ends at ~145 MB, its peak; the runtime alone takes ~60 MB.
  expect(rss).toBeLessThan(limit);
  // The peak is what a burst leaves before the guard's next check (115–129 MiB on a quiet machine): the end
  // figure is the one that tells the limit from none.
  expect(peak).toBeLessThan(limit * 1.6);
}, 300_000);
