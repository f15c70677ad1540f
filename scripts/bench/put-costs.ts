// `bun scripts/bench/put-costs.ts`: the CPU time of each step a 64 MiB PUT takes through the store, one
// step at a time on the same bytes (process CPU time, so other load on the machine barely matters):
// receiving is left out (the ceiling pays it too). See docs/benchmarks.md for what the figures meant.
import { randomFillSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ChunkBuffers, createChunker, DEFAULT_CHUNKING } from "../../src/hash/chunker.ts";
import { createHasher, selectHashEngine } from "../../src/hash/hashing.ts";
import { bodyChecksum } from "../../src/store/pack-format.ts";
import { writeAllAt } from "../../src/store/fs-async.ts";

const SIZE = 64 * 1024 * 1024;
const PIECE = 64 * 1024; // what a socket read hands over
const ROUNDS = 5;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(label: string, step: () => unknown): Promise<void> {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const before = cpuMs();
    await step();
    best = Math.min(best, cpuMs() - before);
  }
  console.log(`${label.padEnd(44)} ${best.toFixed(1).padStart(7)} ms CPU per 64 MiB`);
}

selectHashEngine("native");
const body = randomFillSync(new Uint8Array(SIZE));
const pieces: Uint8Array[] = [];
for (let at = 0; at < SIZE; at += PIECE) pieces.push(body.slice(at, at + PIECE));
const buffers = new ChunkBuffers(DEFAULT_CHUNKING.max, 4);
const chunks: Uint8Array[] = [];
const chunker = createChunker(DEFAULT_CHUNKING, buffers);
for (const p of pieces) chunks.push(...chunker.push(p).map((c) => c.slice()));
chunks.push(chunker.finish()!.slice());
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "put-costs-"));
const fd = fs.openSync(path.join(dir, "pack"), "w");

try {
  console.log(`${chunks.length} chunks, average ${(SIZE / chunks.length / 1024).toFixed(0)} KiB`);
  await measure("chunking (FastCDC scan + copy into chunks)", () => {
    const c = createChunker(DEFAULT_CHUNKING, buffers);
    for (const p of pieces) for (const chunk of c.push(p)) buffers.give(chunk.buffer);
    c.finish();
  });
  await measure("copy of the bytes once (Uint8Array.set)", () => {
    const into = new Uint8Array(DEFAULT_CHUNKING.max);
    for (const p of pieces) into.set(p, 0);
  });
  await measure("SHA-256 on this thread (node:crypto)", () => {
    for (const c of chunks) createHasher("sha256").update(c).digest();
  });
  await measure("record CRC32 (node:zlib)", () => {
    for (const c of chunks) bodyChecksum(2, c);
  });
  await measure("writev into a pack file (page cache)", () => {
    let at = 0;
    for (const c of chunks) {
      writeAllAt(fd, [c], at);
      at += c.length;
    }
  });
  await measure("fdatasync of those 64 MiB", () => {
    let at = 0;
    for (const c of chunks) {
      writeAllAt(fd, [c], at);
      at += c.length;
    }
    const before = cpuMs();
    fs.fdatasyncSync(fd);
    return cpuMs() - before;
  });
} finally {
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
}
