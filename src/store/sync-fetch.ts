// A synchronous HTTP GET for the distributed blob backend. The layers above read blobs synchronously (a tree walk
// never awaits), which a local pack file allows and an object store does not. A worker thread performs the fetch
// while the calling thread waits on a shared flag (Atomics.wait); only cache misses come here, and streaming
// reads warm their chunks asynchronously first (RemoteBlobs.load), so the wait is rare on hot paths.
// Works the same in Bun, Deno and a compiled binary (the worker is eval'd source, as the hash worker's).
import { Worker } from "node:worker_threads";
import type { SignedRequest } from "./object-store.ts";

// ctl: [state (0 waiting, 1 answered), status (HTTP, -1 unreachable, -2 too large), length, request id]
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
let ctl, data;
parentPort.on("message", async (m) => {
  if (m.sab) { ctl = new Int32Array(m.sab, 0, 4); data = new Uint8Array(m.sab, 16); }
  let status = -1, length = 0;
  try {
    const res = await fetch(m.url, { headers: m.headers, signal: AbortSignal.timeout(m.timeoutMs) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    status = res.status;
    if (bytes.length > data.length) status = -2;
    else { data.set(bytes); length = bytes.length; }
  } catch (e) { status = -1; }
  ctl[1] = status; ctl[2] = length; ctl[3] = m.id;
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
});
`;

export class SyncFetcher {
  private worker: Worker | undefined;
  private sab = new SharedArrayBuffer(16 + (8 << 20));
  private sabSent = false;
  private nextId = 1;

  constructor(private readonly timeoutMs = 20_000) {}

  /** GETs a request whose body is at most `maxBytes`; returns status and body (status -1: unreachable). */
  get(req: SignedRequest, maxBytes: number): { status: number; body: Uint8Array } {
    if (this.sab.byteLength < 16 + maxBytes) {
      this.sab = new SharedArrayBuffer(16 + maxBytes);
      this.sabSent = false;
    }
    if (!this.worker) {
      this.worker = new Worker(WORKER_SOURCE, { eval: true });
      this.worker.unref();
      this.worker.on("error", () => (this.worker = undefined));
      this.sabSent = false;
    }
    const ctl = new Int32Array(this.sab, 0, 4);
    const id = this.nextId++;
    Atomics.store(ctl, 0, 0);
    this.worker.postMessage({ id, url: req.url, headers: req.headers, timeoutMs: this.timeoutMs, sab: this.sabSent ? undefined : this.sab });
    this.sabSent = true;
    const deadline = Date.now() + this.timeoutMs + 2000;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return { status: -1, body: new Uint8Array(0) };
      Atomics.wait(ctl, 0, 0, left);
      if (Atomics.load(ctl, 0) === 1 && ctl[3] === id) break;
      if (Atomics.load(ctl, 0) === 1) Atomics.store(ctl, 0, 0); // a late answer to an earlier, timed-out request
    }
    const length = ctl[2];
    return { status: ctl[1], body: new Uint8Array(this.sab, 16, length).slice() };
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
