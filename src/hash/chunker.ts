// Cuts a byte stream into chunks. First cut: fixed size; FastCDC from the WASM core replaces it behind this interface.

export interface ChunkerOptions {
  min: number;
  avg: number;
  max: number;
}

export const DEFAULT_CHUNKING: ChunkerOptions = { min: 256 * 1024, avg: 1024 * 1024, max: 4 * 1024 * 1024 };

export interface Chunker {
  /** Feeds bytes; returns the chunks completed by them (each a fresh copy the caller may keep). */
  push(data: Uint8Array): Uint8Array[];
  /** Returns the last, partial chunk, if any. */
  finish(): Uint8Array | null;
}

export function createChunker(options: ChunkerOptions = DEFAULT_CHUNKING): Chunker {
  const size = options.avg;
  let buf = new Uint8Array(size);
  let fill = 0;
  return {
    push(data) {
      const out: Uint8Array[] = [];
      let at = 0;
      while (at < data.length) {
        const n = Math.min(size - fill, data.length - at);
        buf.set(data.subarray(at, at + n), fill);
        fill += n;
        at += n;
        if (fill === size) {
          out.push(buf);
          buf = new Uint8Array(size);
          fill = 0;
        }
      }
      return out;
    },
    finish() {
      if (fill === 0) return null;
      const last = buf.slice(0, fill);
      fill = 0;
      return last;
    },
  };
}
