// SHA-256 of large objects' chunks on a worker thread, beside the thread that receives, chunks and writes them:
// on two cores a 64 MiB upload's hashing (~40 ms) then overlaps the rest instead of adding to it.
//
// Nothing crosses between the threads but a few numbers. Chunks are assembled in a fixed set of
// SharedArrayBuffers that the worker is given once, at its start (Bun copies every buffer passed with
// postMessage, transferred or not: that copy cost more than the hashing, docs/benchmarks.md). A request is a slot
// index and a length written into a shared ring; the worker sleeps in Atomics.wait, hashes the requests in order,
// writes each digest into the ring and posts how far it got (the uploads waiting also look at the ring every
// ANSWER_POLL_MS, should a message come late). The buffers are
// never dropped, so reusing them costs no page faults and leaves no shared memory for a GC to find late.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { createHasher, hashEngineName } from "./hashing.ts";

/** How often an upload waiting for a digest looks whether the worker has answered without a message reaching it. */
const ANSWER_POLL_MS = 20;

/** The ring's size: a power of two (sequence numbers wrap around at 2^32) at least the number of slots. */
const ringSize = (slots: number) => 2 ** Math.ceil(Math.log2(Math.max(1, slots)));

// Plain JavaScript run by the worker (eval'd, so that it works the same in a compiled binary, Bun and Deno).
// control: [0] requests posted, [1] requests answered (both wrap at 2^32); ring entry e: slot at 2 + 2e,
// length at 3 + 2e; its digest at 32e in `digests`.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const control = new Int32Array(workerData.control);
const digests = new Uint8Array(workerData.digests);
const buffers = workerData.buffers;
const mask = workerData.ringSize - 1;
let done = 0;
function serve() {
  Atomics.wait(control, 0, done);
  const posted = Atomics.load(control, 0);
  while (done !== posted) {
    const e = done & mask;
    const chunk = new Uint8Array(buffers[control[2 + 2 * e]], 0, control[3 + 2 * e]);
    digests.set(createHash("sha256").update(chunk).digest(), 32 * e);
    done = (done + 1) | 0;
  }
  Atomics.store(control, 1, done);
  parentPort.postMessage(done);
  // Back to the event loop before waiting again: Bun sends a worker's messages from its event loop.
  setImmediate(serve);
}
serve();
`;

interface Waiting {
  resolve(digest: Uint8Array): void;
  reject(err: Error): void;
}

/**
 * A fixed set of chunk buffers and the worker that hashes chunks assembled in them. Buffers are created (and the
 * worker started) on the first take(); their pages are touched only as chunks fill them.
 */
export class ChunkHasher {
  private buffers: SharedArrayBuffer[] = [];
  private readonly free: number[] = [];
  private readonly slotOf = new Map<SharedArrayBuffer, number>();
  private readonly ring: number;
  private readonly control: Int32Array;
  private readonly digests: Uint8Array;
  private worker: Worker | null | undefined; // null: no worker (could not start, died, closed, or WASM SHA-256)
  private readonly waiting: Waiting[] = []; // in the order posted, which is the order answered
  private posted = 0;
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  constructor(readonly size: number, readonly slots: number) {
    this.ring = ringSize(slots);
    this.control = new Int32Array(new SharedArrayBuffer(4 * (2 + 2 * this.ring)));
    this.digests = new Uint8Array(new SharedArrayBuffer(32 * this.ring));
  }

  /** A free buffer of the set, or undefined when all are out (or no worker can hash them). */
  take(): Uint8Array | undefined {
    if (this.worker === undefined) this.start();
    if (!this.worker) return undefined;
    const slot = this.free.pop();
    return slot === undefined ? undefined : new Uint8Array(this.buffers[slot]);
  }

  /** Takes back a buffer of the set (false: not one of them). The caller must hold no view of it any more. */
  give(buffer: ArrayBufferLike): boolean {
    const slot = buffer instanceof SharedArrayBuffer ? this.slotOf.get(buffer) : undefined;
    if (slot === undefined) return false;
    this.free.push(slot);
    return true;
  }

  /**
   * The SHA-256 of a chunk: on the worker when the chunk starts a buffer of the set, else here. The chunk must not
   * change until the digest is in.
   */
  hash(chunk: Uint8Array): Promise<Uint8Array> {
    const slot = chunk.buffer instanceof SharedArrayBuffer ? this.slotOf.get(chunk.buffer) : undefined;
    if (!this.worker || slot === undefined || chunk.byteOffset !== 0) return Promise.resolve(createHasher("sha256").update(chunk).digest());
    const e = this.posted & (this.ring - 1);
    this.control[2 + 2 * e] = slot;
    this.control[3 + 2 * e] = chunk.length;
    this.posted = (this.posted + 1) | 0;
    // An answer is due: keep the process up for it (a timer, not worker.ref()), and look for it now and then too
    // (the ring says how far the worker got): a worker's message was seen to arrive late or never, under bun test
    // with a full disk, which left an upload waiting forever.
    this.keepAlive ??= setInterval(() => this.answered(Atomics.load(this.control, 1)), ANSWER_POLL_MS);
    const digest = new Promise<Uint8Array>((resolve, reject) => this.waiting.push({ resolve, reject }));
    Atomics.store(this.control, 0, this.posted);
    Atomics.notify(this.control, 0);
    return digest;
  }

  /** Stops the worker; chunks are hashed on the calling thread from then on. */
  close(): void {
    const worker = this.worker;
    this.stopped(new Error("chunk hashing closed"));
    void worker?.terminate();
  }

  private start(): void {
    // The WASM engine was chosen (or measured faster): the worker's node:crypto is not it. On one core a second
    // thread runs beside nothing, and the hand-over costs more CPU than hashing on the spot (docs/benchmarks.md).
    if (hashEngineName() !== "native" || availableParallelism() < 2) {
      this.worker = null;
      return;
    }
    this.buffers = Array.from({ length: this.slots }, () => new SharedArrayBuffer(this.size));
    this.buffers.forEach((b, slot) => (this.slotOf.set(b, slot), this.free.push(slot)));
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { control: this.control.buffer, digests: this.digests.buffer, buffers: this.buffers, ringSize: this.ring },
      });
      worker.unref();
      worker.on("message", (answered: number) => this.answered(answered));
      worker.on("error", (err: unknown) => this.stopped(err instanceof Error ? err : new Error(String(err))));
      worker.on("exit", (code) => this.stopped(new Error(`chunk hashing worker exited (${code})`)));
      this.worker = worker;
    } catch {
      this.worker = null;
    }
  }

  /** Resolves the requests the worker has answered, oldest first, each with a copy of its digest. */
  private answered(upTo: number): void {
    // posted - upTo requests are still out; everything before them is answered
    const unanswered = (this.posted - upTo) | 0;
    while (this.waiting.length > unanswered) {
      const e = (this.posted - this.waiting.length) & (this.ring - 1);
      this.waiting.shift()!.resolve(this.digests.slice(32 * e, 32 * e + 32));
    }
    if (this.waiting.length === 0) this.release();
  }

  private release(): void {
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }

  /** The worker is gone: what it still owed is hashed here (its buffers are still ours), and so is what follows. */
  private stopped(reason: Error): void {
    if (this.worker === null) return;
    this.worker = null;
    const owed = this.waiting.splice(0);
    this.release();
    const first = (this.posted - owed.length) | 0;
    owed.forEach((w, i) => {
      const e = (first + i) & (this.ring - 1);
      const chunk = new Uint8Array(this.buffers[this.control[2 + 2 * e]], 0, this.control[3 + 2 * e]);
      try {
        w.resolve(createHasher("sha256").update(chunk).digest());
      } catch {
        w.reject(reason);
      }
    });
  }
}

/** Buffers of the process's hasher: two per upload (one hashing, one filling) for two uploads at once. */
const SHARED_SLOTS = 4;
const shared = new Map<number, ChunkHasher>();

/** The process's one ChunkHasher for buffers of `size` bytes (one worker thread serves every upload). */
export function sharedChunkHasher(size: number): ChunkHasher {
  let hasher = shared.get(size);
  if (!hasher) shared.set(size, (hasher = new ChunkHasher(size, SHARED_SLOTS)));
  return hasher;
}
