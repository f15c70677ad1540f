// Synchronous calls for the distributed blob backend. The layers above read blobs synchronously (a tree walk never
// awaits), which a local pack file allows and an object store and PostgreSQL do not. A worker thread
// (sync-bridge-worker.ts) performs the request — a ranged GET of blob bytes, or a lookup of blob locations in
// PostgreSQL — while the calling thread waits on a shared flag (Atomics.wait). Only cache misses come here, and
// streaming reads warm their chunks asynchronously first (RemoteBlobs.load), so the wait is rare on hot paths.
// Works the same in Bun, Deno and a compiled binary.
import { Worker } from "node:worker_threads";
import { UnavailableError } from "../util/unavailable.ts";
import type { SignedRequest } from "./object-store.ts";
import type { BlobRow } from "./pg-meta.ts";

/** What the worker is asked: fetch a signed GET, or locate blobs in the store of a --meta URL. */
type BridgeCall = { op: "fetch"; url: string; headers: Record<string, string>; timeoutMs: number } | { op: "locate"; meta: string; hashes: string[] };
export type BridgeRequest = BridgeCall & { id: number };

/** A lookup waits at most this long: PostgreSQL that does not answer fails the request (503) rather than hang it. */
const LOOKUP_TIMEOUT_MS = 5_000;
/** A lookup answer: ~150 bytes of JSON per row. */
const LOOKUP_MAX_BYTES = 1 << 20;

/**
 * The worker's module: next to this one when run from source (Bun, Deno); inside a compiled binary, the path the
 * release build gives it (scripts/build-release.ts), since import.meta.url there names no file the binary holds.
 */
const WORKER_MODULE = process.env.STRATA_SYNC_BRIDGE_WORKER ?? new URL("./sync-bridge-worker.ts", import.meta.url);

/** The shared buffer's head: Int32 [state (0 waiting, 1 answered), status, length, answered id, awaited id]. */
export const HEAD_BYTES = 32;

export class SyncBridge {
  private worker: Worker | undefined;
  private sab = new SharedArrayBuffer(HEAD_BYTES + (8 << 20));
  private sabSent = false;
  private nextId = 1;

  constructor(private readonly fetchTimeoutMs = 20_000) {}

  /** GETs a request whose body is at most `maxBytes`; returns status and body (status -1: unreachable). */
  get(req: SignedRequest, maxBytes: number): { status: number; body: Uint8Array } {
    return this.call({ op: "fetch", url: req.url, headers: req.headers, timeoutMs: this.fetchTimeoutMs }, maxBytes, this.fetchTimeoutMs + 2000);
  }

  /** The live locations of `hashes` in the store of `meta` (at most a few thousand hashes per call). */
  locate(meta: string, hashes: string[]): BlobRow[] {
    const res = this.call({ op: "locate", meta, hashes }, LOOKUP_MAX_BYTES, LOOKUP_TIMEOUT_MS);
    const text = new TextDecoder().decode(res.body);
    if (res.status === 200) return JSON.parse(text) as BlobRow[];
    if (res.status === -3) throw new Error(`blob lookup failed: ${text}`);
    throw new UnavailableError(`PostgreSQL unavailable (blob lookup)${text ? `: ${text}` : ""}`);
  }

  private call(request: BridgeCall, maxBytes: number, waitMs: number): { status: number; body: Uint8Array } {
    if (this.sab.byteLength < HEAD_BYTES + maxBytes) {
      this.sab = new SharedArrayBuffer(HEAD_BYTES + maxBytes);
      this.sabSent = false;
    }
    if (!this.worker) {
      this.worker = new Worker(WORKER_MODULE);
      this.worker.unref();
      this.worker.on("error", () => (this.worker = undefined));
      this.sabSent = false;
    }
    const ctl = new Int32Array(this.sab, 0, 5);
    const id = this.nextId++;
    Atomics.store(ctl, 4, id); // the worker drops answers to earlier, timed-out requests instead of writing them
    Atomics.store(ctl, 0, 0);
    this.worker.postMessage({ ...request, id, sab: this.sabSent ? undefined : this.sab });
    this.sabSent = true;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return { status: -1, body: new Uint8Array(0) };
      Atomics.wait(ctl, 0, 0, left);
      if (Atomics.load(ctl, 0) === 1 && ctl[3] === id) break;
      if (Atomics.load(ctl, 0) === 1) Atomics.store(ctl, 0, 0); // a late answer that raced the awaited id's change
    }
    const length = ctl[2];
    return { status: ctl[1], body: new Uint8Array(this.sab, HEAD_BYTES, length).slice() };
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
