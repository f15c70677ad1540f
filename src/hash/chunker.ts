// Cuts a byte stream into content-defined chunks with FastCDC from the WASM core (wasm/fastcdc.ts):
// boundaries follow the content, so an insert or delete moves only the chunks around it and the
// rest deduplicate. Boundaries depend only on the bytes, never on how they were split into pushes.
import type { ChunkHasher } from "./chunk-hashing.ts";
import { createHasher } from "./hashing.ts";
import { core, CoreContext, input, INPUT_SIZE } from "./wasm-core.ts";

export interface ChunkerOptions {
  min: number;
  avg: number;
  max: number;
}

export const DEFAULT_CHUNKING: ChunkerOptions = { min: 256 * 1024, avg: 1024 * 1024, max: 4 * 1024 * 1024 };

export interface Chunker {
  /**
   * Feeds bytes; returns the chunks completed by them. Each chunk is a view of its own buffer from the
   * chunker's ChunkBuffers, which passes to the caller with it (give it back to have it reused).
   */
  push(data: Uint8Array): Uint8Array[];
  /** Returns the last, partial chunk, if any (the caller owns its buffer too), and starts over. */
  finish(): Uint8Array | null;
}

function checkOptions({ min, avg, max }: ChunkerOptions): void {
  const ok = [min, avg, max].every(Number.isInteger) && min >= 1 && min <= avg && avg <= max && max <= 2 ** 30;
  if (!ok) throw new RangeError(`chunk sizes need 1 <= min <= avg <= max <= 1 GiB, got ${min}/${avg}/${max}`);
}

/**
 * The buffers chunks are assembled in, each big enough for a maximum chunk. Bytes are copied once, into
 * the buffer of the chunk they belong to; buffers given back are reused, so a long stream does not
 * allocate (and page-fault in) fresh memory for every chunk. With a ChunkHasher, its buffers come first, and
 * chunks assembled in them are hashed on its worker (see hash()).
 */
export class ChunkBuffers {
  private readonly free: ArrayBuffer[] = [];

  /** `keep`: how many given-back buffers to hold for reuse at most. */
  constructor(readonly size: number, private readonly keep = 2, private readonly hasher?: ChunkHasher) {
    if (hasher && hasher.size !== size) throw new RangeError(`a hasher of ${hasher.size}-byte buffers cannot serve ${size}-byte chunk buffers`);
  }

  take(): Uint8Array {
    return this.hasher?.take() ?? new Uint8Array(this.free.pop() ?? new ArrayBuffer(this.size));
  }

  /** Lets go of the buffers kept for reuse (memory pressure). */
  clear(): void {
    this.free.length = 0;
  }

  /** Returns a chunk's buffer for reuse; the caller must hold no view of it any more. */
  give(buffer: ArrayBufferLike): void {
    if (this.hasher?.give(buffer)) return;
    if (buffer instanceof ArrayBuffer && buffer.byteLength === this.size && this.free.length < this.keep) this.free.push(buffer);
  }

  /** The SHA-256 of a chunk cut from these buffers: on the hasher's worker when it was assembled in one of its buffers. */
  hash(chunk: Uint8Array): Promise<Uint8Array> {
    return this.hasher ? this.hasher.hash(chunk) : Promise.resolve(createHasher("sha256").update(chunk).digest());
  }
}

/** Chunks up to this size are assembled in buffers of their own, grown by doubling; larger ones in ChunkBuffers. */
const SMALL_CHUNK = 64 * 1024;

class FastCdcChunker implements Chunker {
  private readonly context = new CoreContext();
  /** The unfinished chunk: a buffer from `buffers` (taken at its first byte) and how much of it is filled. */
  private current: Uint8Array | null = null;
  private filled = 0;

  constructor(private readonly options: ChunkerOptions, private readonly buffers: ChunkBuffers) {
    checkOptions(options);
    if (buffers.size < options.max) throw new RangeError(`chunk buffers of ${buffers.size} bytes cannot hold ${options.max}-byte chunks`);
    this.reset();
  }

  private reset(): void {
    this.context.enter();
    core.cdcInit(this.options.min, this.options.avg, this.options.max);
    this.current = null;
    this.filled = 0;
  }

  /** Appends bytes to the unfinished chunk. */
  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const need = this.filled + bytes.length;
    if (!this.current || this.current.length < need) {
      // A chunk starts in a small buffer of its own that doubles as it fills, so that small objects hold neither
      // a maximum-size buffer nor a zeroed 64 KiB one (allocating that was the largest cost of a 4 KiB PUT).
      const small = need <= SMALL_CHUNK && this.buffers.size > SMALL_CHUNK;
      const grown = small ? new Uint8Array(Math.max(need, Math.min(SMALL_CHUNK, 2 * (this.current?.length ?? 0)))) : this.buffers.take();
      if (this.current) grown.set(this.current.subarray(0, this.filled));
      this.current = grown;
    }
    this.current.set(bytes, this.filled);
    this.filled += bytes.length;
  }

  /** Hands the unfinished chunk over as finished. */
  private cut(): Uint8Array {
    const chunk = this.current!.subarray(0, this.filled);
    this.current = null;
    this.filled = 0;
    return chunk;
  }

  push(data: Uint8Array): Uint8Array[] {
    const chunks: Uint8Array[] = [];
    let start = 0; // where the unfinished chunk's bytes begin within data
    this.context.enter();
    for (let at = 0; at < data.length; at += INPUT_SIZE) {
      // The scan never looks at a chunk's bytes before its minimum size (a quarter of an average chunk):
      // count them in without copying them into the core. A scan that ends before the minimum reads nothing.
      const unscanned = Math.min(this.options.min - (this.filled + at - start), data.length - at);
      if (unscanned > 0) {
        core.cdcScan(0, unscanned);
        at += unscanned;
      }
      const piece = data.subarray(at, at + INPUT_SIZE);
      if (piece.length === 0) break;
      input.set(piece);
      for (let cut = core.cdcScan(0, piece.length); cut >= 0; cut = core.cdcScan(cut, piece.length)) {
        this.append(data.subarray(start, at + cut));
        chunks.push(this.cut());
        start = at + cut;
      }
    }
    this.append(data.subarray(start));
    return chunks;
  }

  finish(): Uint8Array | null {
    const last = this.filled > 0 ? this.cut() : null;
    this.reset();
    return last;
  }
}

export function createChunker(options: ChunkerOptions = DEFAULT_CHUNKING, buffers = new ChunkBuffers(options.max)): Chunker {
  return new FastCdcChunker(options, buffers);
}
