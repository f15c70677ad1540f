// SHA-256 of each chunk of a large object, on a worker thread: hashing every byte on one thread took
// more time than receiving, chunking and writing together. On the worker it runs beside that thread,
// on the other core. Chunks cross by transfer (no copy) and come back.
//
// One worker serves every upload (created on first use, never keeping the process alive); it answers
// in the order it was asked. Where no worker can start, or SHA-256 is set to the WASM engine, chunks
// are hashed on the calling thread behind the same interface.
import { Worker } from "node:worker_threads";
import { createHasher, hashEngineName } from "./hashing.ts";

export interface HashedChunk {
  /** The chunk, with its buffer back in the caller's hands. */
  chunk: Uint8Array;
  /** SHA-256 of the chunk. */
  digest: Uint8Array;
}

// Plain JavaScript run by the worker (eval'd, so that it works the same in a compiled binary, Bun and Deno).
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
parentPort.on("message", (m) => {
  const digest = new Uint8Array(createHash("sha256").update(m.chunk).digest());
  parentPort.postMessage({ id: m.id, chunk: m.chunk, digest }, [m.chunk.buffer]);
});
`;

interface Reply {
  id: number;
  chunk: Uint8Array;
  digest: Uint8Array;
}

class HashWorker {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly waiting = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  private nextId = 1;

  constructor(onDeath: () => void) {
    this.worker.unref();
    this.worker.on("message", (reply: Reply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      w?.resolve(reply);
    });
    const die = (err: Error) => {
      onDeath();
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on("error", die);
    this.worker.on("exit", (code) => die(new Error(`hash worker exited (${code})`)));
  }

  async hash(chunk: Uint8Array): Promise<HashedChunk> {
    // Only a whole ArrayBuffer can move; a view into a shared one is copied into its own.
    const own = chunk.buffer instanceof ArrayBuffer ? chunk : chunk.slice();
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref(); // an answer is due: keep the process up for it
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, chunk: own }, [own.buffer as ArrayBuffer]);
    });
    return { chunk: reply.chunk, digest: reply.digest };
  }
}

let shared: HashWorker | null | undefined; // null: a worker cannot start here

function worker(): HashWorker | null {
  if (shared === undefined) {
    try {
      shared = new HashWorker(() => (shared = undefined));
    } catch {
      shared = null;
    }
  }
  return shared;
}

/**
 * Hashes a chunk: on the worker when there is one and SHA-256 runs natively. The chunk's whole buffer
 * may move to the worker: other views of it become unusable; use the chunk handed back.
 */
export function hashChunk(chunk: Uint8Array): Promise<HashedChunk> {
  const w = hashEngineName() === "native" ? worker() : null;
  if (w) return w.hash(chunk);
  return Promise.resolve({ chunk, digest: createHasher("sha256").update(chunk).digest() });
}
