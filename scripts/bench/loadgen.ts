// The one load generator that drives every target. Each phase runs `concurrency` clients in a
// loop and stops when it reached its operation count or its time budget, whichever comes
// first; requests still in flight when a phase's hard limit passes are aborted.
//
// Every object body is distinct (small: the op number stamped into the first bytes; large:
// separate random files) so a content-addressed store cannot skip writes by deduplicating.
import { randomFillSync } from "node:crypto";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { S3Endpoint, keysOfListPage } from "./s3-client.ts";
import { LeanS3Client } from "./s3-lean-client.ts";
import { SigV4Signer } from "./sigv4.ts";

export interface LoadSettings {
  concurrency: number; // clients for small-object phases
  smallSize: number;
  smallMaxOps: number;
  phaseSeconds: number; // time budget of each small-object and list phase
  warmupOps: number;
  largeSize: number;
  largeCount: number; // objects PUT, then GET, one at a time
  largeSeconds: number; // time budget of each large-object phase
  listKeys: number; // keys in the listed bucket
  listPageSize: number;
  listConcurrency: number;
  listMaxPages: number;
  sign: boolean; // SigV4-sign every request (moto refuses anonymous reads of private objects)
}

export const DEFAULT_SETTINGS: LoadSettings = {
  concurrency: 32,
  smallSize: 4096,
  smallMaxOps: 20_000,
  phaseSeconds: 3,
  warmupOps: 500,
  largeSize: 64 * 1024 * 1024,
  largeCount: 3,
  largeSeconds: 60,
  listKeys: 2000,
  listPageSize: 1000,
  listConcurrency: 4,
  listMaxPages: 5000,
  sign: true,
};

export const PHASES = ["smallPut", "smallGet", "smallHead", "largePut", "largeGet", "list"] as const;
export type PhaseName = (typeof PHASES)[number];

export interface PhaseResult {
  ops: number;
  errors: number;
  seconds: number;
  opsPerSec: number;
  bytesPerSec: number;
  /** CPU time (user + system, all threads) this load generator spent per op, in µs. */
  clientCpuUsPerOp?: number;
  firstError?: string;
}

export type LoadResult = Record<PhaseName, PhaseResult>;

const DATA_BUCKET = "bench";
const LIST_BUCKET = "benchlist";
// A phase that keeps failing is broken, not slow: stop it rather than hammer the server.
const MAX_ERRORS = 20;
// Past its time budget a phase waits this long for requests in flight, then aborts them.
const GRACE_SECONDS = 30;

interface PhaseLimits {
  concurrency: number;
  maxOps: number;
  seconds: number;
}

/** Runs `op(i)` for i = 0, 1, ... on `concurrency` clients; op returns the payload bytes moved. */
export async function runPhase(limits: PhaseLimits, op: (i: number, client: number, signal: AbortSignal) => Promise<number>): Promise<PhaseResult> {
  const abort = new AbortController();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + limits.seconds * 1000;
  const hardStop = setTimeout(() => abort.abort(new Error("phase time limit")), (limits.seconds + GRACE_SECONDS) * 1000);
  let next = 0;
  let ops = 0;
  let errors = 0;
  let bytes = 0;
  let firstError: string | undefined;
  const client = async (c: number) => {
    while (next < limits.maxOps && performance.now() < deadline && errors < MAX_ERRORS) {
      const i = next++;
      try {
        bytes += await op(i, c, abort.signal);
        ops++;
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: limits.concurrency }, (_, c) => client(c)));
  } finally {
    clearTimeout(hardStop);
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const clientCpuUsPerOp = ops > 0 ? (cpu.user + cpu.system) / ops : undefined;
  return { ops, errors, seconds, opsPerSec: ops / seconds, bytesPerSec: bytes / seconds, clientCpuUsPerOp, ...(firstError ? { firstError } : {}) };
}

/** Writes `count` files of `size` random bytes (made once, shared by every target). */
export async function makeLargeBodies(dir: string, count: number, size: number): Promise<string[]> {
  const block = new Uint8Array(Math.min(size, 1024 * 1024));
  const paths: string[] = [];
  for (let n = 0; n < count; n++) {
    const path = join(dir, `large-${n}.bin`);
    const file = await open(path, "w");
    try {
      for (let written = 0; written < size; written += block.length) {
        randomFillSync(block);
        await file.write(block, 0, Math.min(block.length, size - written));
      }
    } finally {
      await file.close();
    }
    paths.push(path);
  }
  return paths;
}

function expectLength(what: string, got: number, want: number): number {
  if (got !== want) throw new Error(`${what}: got ${got} bytes, expected ${want}`);
  return got;
}

const smallKey = (i: number) => `obj-${String(i).padStart(6, "0")}`;
const listKey = (i: number) => `key-${String(i).padStart(6, "0")}`;

/** One body buffer per client, its first bytes overwritten with the op number before each PUT. */
function stampedBodies(clients: number, size: number): (i: number, client: number) => Uint8Array<ArrayBuffer> {
  const bodies = Array.from({ length: clients }, () => randomFillSync(new Uint8Array(size)));
  return (i, client) => {
    const body = bodies[client];
    new DataView(body.buffer).setFloat64(0, i);
    return body;
  };
}

/**
 * Fills a bucket with `listKeys` keys, checks that two pages of `listPageSize` keys come back
 * in order, then reads those two pages over and over.
 */
async function listPhase(s3: LeanS3Client, s: LoadSettings): Promise<PhaseResult> {
  const tiny = stampedBodies(s.concurrency, 16);
  const fill = await runPhase({ concurrency: s.concurrency, maxOps: s.listKeys, seconds: 120 }, async (i, c, signal) => {
    await s3.put(LIST_BUCKET, listKey(i), tiny(i, c), c, signal);
    return 0;
  });
  if (fill.errors > 0) return { ...fill, ops: 0, opsPerSec: 0, bytesPerSec: 0, firstError: `filling the list bucket: ${fill.firstError}` };
  const first = keysOfListPage(await s3.listPage(LIST_BUCKET, s.listPageSize, undefined, 0));
  const startAfter = first[first.length - 1];
  const second = keysOfListPage(await s3.listPage(LIST_BUCKET, s.listPageSize, startAfter, 0));
  const expected = Array.from({ length: Math.min(2 * s.listPageSize, s.listKeys) }, (_, i) => listKey(i));
  if ([...first, ...second].join() !== expected.join()) {
    return { ops: 0, errors: 1, seconds: 0, opsPerSec: 0, bytesPerSec: 0, firstError: `list pages hold ${first.length}+${second.length} keys, not the ${expected.length} written, in order` };
  }
  return runPhase({ concurrency: s.listConcurrency, maxOps: s.listMaxPages, seconds: s.phaseSeconds }, async (i, c, signal) => {
    const xml = await s3.listPage(LIST_BUCKET, s.listPageSize, i % 2 ? startAfter : undefined, c, signal);
    return xml.length;
  });
}

/** A phase that could not even start (its set-up threw) counts as one error and no ops. */
async function guarded(phase: () => Promise<PhaseResult>): Promise<PhaseResult> {
  try {
    return await phase();
  } catch (e) {
    return { ops: 0, errors: 1, seconds: 0, opsPerSec: 0, bytesPerSec: 0, firstError: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Runs every phase against one endpoint; `onPhase` hears each phase's name as it starts. Small
 * objects and lists go over the lean client (per-request cost is what they measure), large
 * objects over fetch (throughput-bound: streaming a file is what matters there).
 */
export async function runLoad(base: string, s: LoadSettings, largeBodies: string[], onPhase: (name: PhaseName | "setup") => void = () => {}): Promise<LoadResult> {
  const signer = s.sign ? new SigV4Signer() : undefined;
  const s3 = new S3Endpoint(base, signer);
  const lean = new LeanS3Client(base, signer);
  try {
    return await phases(s3, lean, s, largeBodies, onPhase);
  } finally {
    lean.close();
  }
}

async function phases(s3: S3Endpoint, lean: LeanS3Client, s: LoadSettings, largeBodies: string[], onPhase: (name: PhaseName | "setup") => void): Promise<LoadResult> {
  onPhase("setup");
  await s3.createBucket(DATA_BUCKET);
  await s3.createBucket(LIST_BUCKET);
  const small = stampedBodies(s.concurrency, s.smallSize);
  const smallLimits = { concurrency: s.concurrency, maxOps: s.smallMaxOps, seconds: s.phaseSeconds };

  // Warm-up (not measured): lets JITs compile the hot paths and connections open.
  await runPhase({ ...smallLimits, maxOps: s.warmupOps }, async (i, c, signal) => {
    await lean.put(DATA_BUCKET, `warm-${i}`, small(-1 - i, c), c, signal);
    return lean.getSmall(DATA_BUCKET, `warm-${i}`, c, signal);
  });

  onPhase("smallPut");
  const smallPut = await runPhase(smallLimits, async (i, c, signal) => {
    await lean.put(DATA_BUCKET, smallKey(i), small(i, c), c, signal);
    return s.smallSize;
  });
  const written = Math.max(1, smallPut.ops);
  onPhase("smallGet");
  const smallGet = await runPhase(smallLimits, (i, c, signal) =>
    lean.getSmall(DATA_BUCKET, smallKey(i % written), c, signal).then((n) => expectLength("small GET", n, s.smallSize)),
  );
  onPhase("smallHead");
  const smallHead = await runPhase(smallLimits, async (i, c, signal) => {
    expectLength("HEAD content-length", await lean.head(DATA_BUCKET, smallKey(i % written), c, signal), s.smallSize);
    return 0;
  });

  const largeLimits = { concurrency: 1, maxOps: largeBodies.length, seconds: s.largeSeconds };
  // One unmeasured round trip first: the first large transfer pays for buffer growth on both sides.
  await runPhase({ ...largeLimits, maxOps: 1 }, async (_i, _c, signal) => {
    await s3.put(DATA_BUCKET, "large-warm", Bun.file(largeBodies[0]), signal);
    return s3.getDrain(DATA_BUCKET, "large-warm", signal);
  });
  onPhase("largePut");
  const largePut = await runPhase(largeLimits, async (i, _c, signal) => {
    await s3.put(DATA_BUCKET, `large-${i}`, Bun.file(largeBodies[i]), signal);
    return s.largeSize;
  });
  onPhase("largeGet");
  const largeGet = await runPhase({ ...largeLimits, maxOps: Math.max(1, largePut.ops) }, async (i, _c, signal) =>
    expectLength("large GET", await s3.getDrain(DATA_BUCKET, `large-${i}`, signal), s.largeSize),
  );

  onPhase("list");
  const list = await guarded(() => listPhase(lean, s));
  return { smallPut, smallGet, smallHead, largePut, largeGet, list };
}
