// Throughput of the hashing core against its peers: 1 MiB updates, best of a few runs.
// Prints a table (MB/s, 1 MB = 10^6 bytes); the last line is `sha256 wasm/hash-wasm: <ratio>`.
//   bun scripts/bench/hash.ts        (npm run bench:hash)
import { createHash } from "node:crypto";
import { crc32 as zlibCrc32 } from "node:zlib";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { createCRC32, createCRC64, createSHA256 } from "hash-wasm";
import { createWasmHasher } from "../../src/hash/wasm-hashers.ts";
import { createChunker } from "../../src/hash/chunker.ts";

const MiB = 1024 * 1024;
const piece = new Uint8Array(MiB);
for (let i = 0; i < piece.length; i += 65536) crypto.getRandomValues(piece.subarray(i, i + 65536));

/** Something that consumes the same 1 MiB buffer `n` times from fresh state, then finishes. */
type Run = (n: number) => void;

function hashRun(make: () => { update(d: Uint8Array): unknown; digest(...a: never[]): unknown }): Run {
  return (n) => {
    const h = make();
    for (let i = 0; i < n; i++) h.update(piece);
    h.digest();
  };
}

/** MB/s over `mib` MiB, best of `trials` (after one warm-up run). */
function measure(run: Run, mib: number, trials = 3): number {
  run(2);
  let best = Infinity;
  for (let t = 0; t < trials; t++) {
    const start = performance.now();
    run(mib);
    best = Math.min(best, performance.now() - start);
  }
  return (mib * MiB) / 1e6 / (best / 1000);
}

const hashWasmSha256 = await createSHA256();
const hashWasmCrc32 = await createCRC32();
const hashWasmCrc32c = await createCRC32(0x82f63b78);
const hashWasmCrc64Nvme = await createCRC64("9a6c9329ac4bc9b5");
const reuse = <T extends { init(): unknown }>(h: T) => () => (h.init(), h);

const rows: [string, string, Run, number][] = [
  ["sha256", "wasm (ours)", hashRun(() => createWasmHasher("sha256")), 64],
  ["sha256", "hash-wasm", hashRun(reuse(hashWasmSha256)), 64],
  ["sha256", "native", hashRun(() => createHash("sha256")), 256],
  ["sha256", "noble", hashRun(() => nobleSha256.create()), 16],
  ["crc32", "wasm (ours)", hashRun(() => createWasmHasher("crc32")), 256],
  ["crc32", "hash-wasm", hashRun(reuse(hashWasmCrc32)), 256],
  ["crc32", "node:zlib", (n) => { let c = 0; for (let i = 0; i < n; i++) c = zlibCrc32(piece, c); }, 256],
  ["crc32c", "wasm (ours)", hashRun(() => createWasmHasher("crc32c")), 256],
  ["crc32c", "hash-wasm", hashRun(reuse(hashWasmCrc32c)), 256],
  ["crc64nvme", "wasm (ours)", hashRun(() => createWasmHasher("crc64nvme")), 256],
  ["crc64nvme", "hash-wasm", hashRun(reuse(hashWasmCrc64Nvme)), 256],
  ["fastcdc", "wasm (ours)", (n) => { const c = createChunker(); for (let i = 0; i < n; i++) c.push(piece); c.finish(); }, 256],
];

const results = new Map<string, number>();
console.log("| algorithm | engine | MB/s |");
console.log("| --- | --- | ---: |");
for (const [alg, engine, run, mib] of rows) {
  const mbps = measure(run, mib);
  results.set(`${alg} ${engine}`, mbps);
  console.log(`| ${alg} | ${engine} | ${mbps.toFixed(0)} |`);
}
const ratio = results.get("sha256 wasm (ours)")! / results.get("sha256 hash-wasm")!;
console.log(`sha256 wasm/hash-wasm: ${ratio.toFixed(2)}`);
