// Temporary data dirs for store tests, removed after each test file.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "bun:test";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

export function tmpDir(label = "strata"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  made.push(dir);
  return dir;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing property test can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
