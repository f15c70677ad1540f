// The load generator against the ceiling server (in this process, tiny sizes): every phase must
// move data without errors, and a server that answers wrongly must show up as errors.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCeiling } from "../../scripts/bench/ceiling-server.ts";
import { DEFAULT_SETTINGS, makeLargeBodies, PHASES, runLoad, type LoadSettings } from "../../scripts/bench/loadgen.ts";

const tiny: LoadSettings = {
  ...DEFAULT_SETTINGS,
  concurrency: 4,
  smallMaxOps: 40,
  phaseSeconds: 2,
  warmupOps: 4,
  largeSize: 3 * 1024 * 1024 + 17, // not a whole number of 1 MiB blocks
  largeCount: 2,
  listKeys: 25,
  listPageSize: 10,
  listMaxPages: 6,
};

let dir: string;
let bodies: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bench-test-"));
  bodies = await makeLargeBodies(dir, tiny.largeCount, tiny.largeSize);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("large bodies have the asked size and differ from each other", async () => {
  const [a, b] = await Promise.all(bodies.map((p) => Bun.file(p).bytes()));
  expect(a.length).toBe(tiny.largeSize);
  expect(b.length).toBe(tiny.largeSize);
  expect(Buffer.compare(a.subarray(0, 4096), b.subarray(0, 4096))).not.toBe(0);
});

test("every phase runs against the ceiling without errors", async () => {
  const ceiling = startCeiling({ port: 0, dir: join(dir, "ceiling") });
  try {
    const seen: string[] = [];
    const result = await runLoad(`http://127.0.0.1:${ceiling.port}`, tiny, bodies, (p) => seen.push(p));
    expect(seen).toEqual(["setup", ...PHASES]);
    for (const phase of PHASES) {
      expect({ phase, errors: result[phase].errors, firstError: result[phase].firstError }).toEqual({ phase, errors: 0, firstError: undefined });
      expect(result[phase].ops).toBeGreaterThan(0);
    }
    expect(result.smallPut.ops).toBe(tiny.smallMaxOps);
    expect(result.largePut.bytesPerSec).toBeGreaterThan(0);
    expect(result.list.ops).toBe(tiny.listMaxPages);
  } finally {
    ceiling.stop();
  }
});

test("the fsync ceiling stores and serves what was PUT", async () => {
  const ceiling = startCeiling({ port: 0, dir: join(dir, "ceiling-fsync"), fsync: true });
  try {
    const result = await runLoad(`http://127.0.0.1:${ceiling.port}`, { ...tiny, smallMaxOps: 8 }, bodies);
    for (const phase of ["smallPut", "smallGet", "smallHead", "largePut", "largeGet"] as const) expect({ phase, errors: result[phase].errors }).toEqual({ phase, errors: 0 });
  } finally {
    ceiling.stop();
  }
});

test("a server that answers 200 with empty bodies fails GET, HEAD, large GET and list", async () => {
  const liar = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  try {
    const result = await runLoad(`http://127.0.0.1:${liar.port}`, { ...tiny, smallMaxOps: 8 }, bodies);
    expect(result.smallPut.errors).toBe(0);
    expect(result.smallGet.errors).toBeGreaterThan(0);
    expect(result.smallHead.errors).toBeGreaterThan(0);
    expect(result.largeGet.errors).toBeGreaterThan(0);
    expect(result.list.errors).toBeGreaterThan(0);
    expect(result.list.firstError).toContain("list pages hold 0+0 keys");
  } finally {
    liar.stop(true);
  }
});
