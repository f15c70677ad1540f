// Cuts a byte stream into content-defined chunks with FastCDC from the WASM core (wasm/fastcdc.ts):
// boundaries follow the content, so an insert or delete moves only the chunks around it and the
// rest deduplicate. Boundaries depend only on the bytes, never on how they were split into pushes.
import { core, CoreContext, input, INPUT_SIZE } from "./wasm-core.ts";

export interface ChunkerOptions {
  min: number;
  avg: number;
  max: number;
}

export const DEFAULT_CHUNKING: ChunkerOptions = { min: 256 * 1024, avg: 1024 * 1024, max: 4 * 1024 * 1024 };

export interface Chunker {
  /** Feeds bytes; returns the chunks completed by them (each a fresh copy the caller may keep). */
  push(data: Uint8Array): Uint8Array[];
  /** Returns the last, partial chunk, if any, and starts over. */
  finish(): Uint8Array | null;
}

function checkOptions({ min, avg, max }: ChunkerOptions): void {
  const ok = [min, avg, max].every(Number.isInteger) && min >= 1 && min <= avg && avg <= max && max <= 2 ** 30;
  if (!ok) throw new RangeError(`chunk sizes need 1 <= min <= avg <= max <= 1 GiB, got ${min}/${avg}/${max}`);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

class FastCdcChunker implements Chunker {
  private readonly context = new CoreContext();
  /** Bytes of the unfinished chunk from earlier pushes (copies: the caller may reuse its buffers). */
  private pending: Uint8Array[] = [];

  constructor(private readonly options: ChunkerOptions) {
    checkOptions(options);
    this.reset();
  }

  private reset(): void {
    this.context.enter();
    core.cdcInit(this.options.min, this.options.avg, this.options.max);
    this.pending = [];
  }

  push(data: Uint8Array): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    let start = 0; // where the unfinished chunk's bytes begin within data
    for (let at = 0; at < data.length; at += INPUT_SIZE) {
      const piece = data.subarray(at, at + INPUT_SIZE);
      this.context.enter();
      input.set(piece);
      for (let cut = core.cdcScan(0, piece.length); cut >= 0; cut = core.cdcScan(cut, piece.length)) {
        // One copy per chunk: views of data are gathered into a fresh array only here.
        chunks.push(concat([...this.pending, data.subarray(start, at + cut)]));
        this.pending = [];
        start = at + cut;
      }
    }
    if (start < data.length) this.pending.push(data.slice(start));
    return chunks;
  }

  finish(): Uint8Array | null {
    const last = this.pending.length > 0 ? concat(this.pending) : null;
    this.reset();
    return last;
  }
}

export function createChunker(options: ChunkerOptions = DEFAULT_CHUNKING): Chunker {
  return new FastCdcChunker(options);
}
