// SHA-256 of a large object and of each of its chunks, on a worker thread. Storing an object hashes
// every byte twice (the object's digest for its ETag, each chunk's digest for its address); on one
// thread those two passes took more time than receiving, chunking and writing together. On the worker
// they run beside that thread, on the other core. Chunks cross by transfer (no copy) and come back.
//
// One worker serves every object (created on first use, never keeping the process alive); objects
// are told apart by id and each one's chunks are hashed in the order they were added. Where no worker
// can start, or SHA-256 is set to the WASM engine, the same interface hashes on the calling thread.
import { Worker } from "node:worker_threads";
import { createHasher, type Hasher, hashEngineName } from "./hashing.ts";

export interface HashedChunk {
  /** The chunk, with its buffer back in the caller's hands. */
  chunk: Uint8Array;
  /** SHA-256 of the chunk. */
  digest: Uint8Array;
}

export interface ObjectHashing {
  /**
   * Hashes a chunk and folds it into the object digest. The chunk's whole buffer may move to the worker:
   * other views of it become unusable; use the chunk handed back. Promises settle in the order of add().
   */
  add(chunk: Uint8Array): Promise<HashedChunk>;
  /** SHA-256 of every chunk added, in order. Call after every add() settled. */
  finish(): Promise<Uint8Array>;
  /** Forgets the object (after an error). */
  abort(): void;
}

// Plain JavaScript run by the worker (eval'd, so that it works the same in a compiled binary, Bun and Deno).
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const objects = new Map();
parentPort.on("message", (m) => {
  if (m.chunk) {
    let object = objects.get(m.object);
    if (!object) objects.set(m.object, (object = createHash("sha256")));
    object.update(m.chunk);
    const digest = new Uint8Array(createHash("sha256").update(m.chunk).digest());
    parentPort.postMessage({ id: m.id, chunk: m.chunk, digest }, [m.chunk.buffer]);
  } else if (m.finish) {
    const object = objects.get(m.object) ?? createHash("sha256");
    objects.delete(m.object);
    parentPort.postMessage({ id: m.id, digest: new Uint8Array(object.digest()) });
  } else {
    objects.delete(m.object);
  }
});
`;

interface Reply {
  id: number;
  chunk?: Uint8Array;
  digest: Uint8Array;
}

class HashWorker {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly waiting = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  private nextId = 1;
  nextObject = 1;

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

  request(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref(); // an answer is due: keep the process up for it
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  post(message: Record<string, unknown>): void {
    this.worker.postMessage(message);
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

class WorkerHashing implements ObjectHashing {
  private readonly object: number;

  constructor(private readonly worker: HashWorker) {
    this.object = worker.nextObject++;
  }

  async add(chunk: Uint8Array): Promise<HashedChunk> {
    // Only a whole ArrayBuffer can move; a view into a shared one is copied into its own.
    const own = chunk.buffer instanceof ArrayBuffer ? chunk : chunk.slice();
    const reply = await this.worker.request({ object: this.object, chunk: own }, [own.buffer as ArrayBuffer]);
    return { chunk: reply.chunk!, digest: reply.digest };
  }

  async finish(): Promise<Uint8Array> {
    return (await this.worker.request({ object: this.object, finish: true })).digest;
  }

  abort(): void {
    this.worker.post({ object: this.object });
  }
}

class LocalHashing implements ObjectHashing {
  private readonly object: Hasher = createHasher("sha256");

  add(chunk: Uint8Array): Promise<HashedChunk> {
    this.object.update(chunk);
    return Promise.resolve({ chunk, digest: createHasher("sha256").update(chunk).digest() });
  }

  finish(): Promise<Uint8Array> {
    return Promise.resolve(this.object.digest());
  }

  abort(): void {}
}

/** Starts hashing one object: on the worker when there is one and SHA-256 runs natively. */
export function startObjectHashing(): ObjectHashing {
  const w = hashEngineName() === "native" ? worker() : null;
  return w ? new WorkerHashing(w) : new LocalHashing();
}
