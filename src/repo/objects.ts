// Object bytes: streamed in through the chunker into content-addressed chunks, streamed out by range.
import { ChunkBuffers, createChunker, DEFAULT_CHUNKING } from "../hash/chunker.ts";
import { createHasher, type DigestAlgorithm } from "../hash/hashing.ts";
import { fromHex, toHex } from "../util/bytes.ts";
import type { BlobBackend } from "../store/store.ts";

/** [chunk hash, chunk size] */
export type ChunkRef = [string, number];

export interface StoredBytes {
  size: number;
  /** The bytes' SHA-256 digest, their ETag in sha256 mode: see bytesDigest. */
  digest: string;
  /** SHA-256 of the bytes, when known without a second pass: stored as one chunk (or none). */
  sha256?: string;
  md5?: string;
  chunks: ChunkRef[];
}

/**
 * The SHA-256 digest of bytes stored by storeStream, from their chunk list: a single chunk's own hash
 * (the SHA-256 of the bytes), else the SHA-256 of the chunk hashes concatenated (of no bytes: of none).
 * Chunk boundaries depend only on the bytes, so the same bytes always get the same digest; and each
 * byte is hashed once, for its chunk's address, where a whole-bytes SHA-256 would hash it twice.
 */
export function bytesDigest(chunks: ChunkRef[]): string {
  return chunks.length === 1 ? chunks[0][0] : digestOfDigests("sha256", chunks.map(([hash]) => hash));
}

/** Chunks of an upload hashed (or hashing) but not yet stored: one hashes while the next is assembled. */
const HASHING_AHEAD = 1;

/**
 * Cuts a stream into chunks and stores each once (a chunk already in the store is not written again).
 * Returns the size, digests and chunk list. Memory stays bounded: a chunk being assembled and one being hashed
 * per upload, in buffers taken from `chunkBuffers` and given back as soon as their chunk is stored.
 *
 * Chunks assembled in the buffers of a ChunkHasher are hashed on its worker thread while this thread goes on
 * receiving and chunking (hash/chunk-hashing.ts); they are stored in order as their digests arrive.
 */
export async function storeStream(
  blobs: BlobBackend,
  chunkBuffers: ChunkBuffers,
  body: ReadableStream<Uint8Array> | null,
  options: { md5?: boolean; maxSize?: number } = {},
): Promise<StoredBytes> {
  const chunker = createChunker(DEFAULT_CHUNKING, chunkBuffers);
  const md5 = options.md5 ? createHasher("md5") : undefined;
  const chunks: ChunkRef[] = [];
  const hashing: Array<{ chunk: Uint8Array; digest: Promise<Uint8Array> }> = [];
  let size = 0;
  const storeOldest = async () => {
    const { chunk, digest } = hashing[0];
    try {
      chunks.push([blobs.putDigested("chunk", chunk, await digest), chunk.length]);
    } finally {
      hashing.shift();
      chunkBuffers.give(chunk.buffer);
    }
    const uploading = blobs.ready?.(); // a remote backend holds the stream back while its uploads catch up
    if (uploading) await uploading;
  };
  const cut: Uint8Array[] = []; // chunks the chunker has finished, to be hashed in order
  const keepCut = async () => {
    for (let chunk = cut.shift(); chunk; chunk = cut.shift()) {
      hashing.push({ chunk, digest: chunkBuffers.hash(chunk) });
      while (hashing.length > HASHING_AHEAD) await storeOldest();
    }
  };
  try {
    if (body) {
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (options.maxSize !== undefined && size > options.maxSize) {
          await reader.cancel();
          throw new ObjectTooLargeError(options.maxSize);
        }
        md5?.update(value);
        cut.push(...chunker.push(value));
        await keepCut();
      }
    }
    const last = chunker.finish();
    if (last) cut.push(last);
    await keepCut();
    while (hashing.length > 0) await storeOldest();
  } catch (err) {
    // The worker may still be reading the chunks out for hashing: their buffers go back once it is done. The
    // unfinished chunk's buffer goes back too (a hasher's buffers are few: a lost one is lost for good).
    const unfinished = chunker.finish();
    if (unfinished) cut.push(unfinished);
    for (const chunk of cut.splice(0)) chunkBuffers.give(chunk.buffer);
    for (const { chunk, digest } of hashing.splice(0)) {
      await digest.catch(() => {});
      chunkBuffers.give(chunk.buffer);
    }
    throw err;
  }
  const digest = bytesDigest(chunks);
  return { size, digest, sha256: chunks.length <= 1 ? digest : undefined, md5: md5 ? toHex(md5.digest()) : undefined, chunks };
}

/**
 * storeStream for bytes already in memory. Up to the chunker's minimum size they are one chunk, stored
 * directly (no stream, no chunker); the caller hands them over and must not change them afterwards.
 */
export function storeBytes(blobs: BlobBackend, chunkBuffers: ChunkBuffers, bytes: Uint8Array, options: { md5?: boolean; maxSize?: number } = {}): Promise<StoredBytes> {
  if (bytes.length > DEFAULT_CHUNKING.min) return storeStream(blobs, chunkBuffers, new ReadableStream({ start: (c) => (c.enqueue(bytes), c.close()) }), options);
  if (options.maxSize !== undefined && bytes.length > options.maxSize) return Promise.reject(new ObjectTooLargeError(options.maxSize));
  const md5 = options.md5 ? toHex(createHasher("md5").update(bytes).digest()) : undefined;
  const chunks: ChunkRef[] = bytes.length === 0 ? [] : [[blobs.put("chunk", bytes, true), bytes.length]];
  const digest = bytesDigest(chunks); // one chunk (or none): the SHA-256 of the bytes
  return Promise.resolve({ size: bytes.length, digest, sha256: digest, md5, chunks });
}

export class ObjectTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`object exceeds ${limit} bytes`);
  }
}

/** Chunks a remote backend fetches ahead of the one being read. */
const READ_AHEAD = 4;
/**
 * A local read asks for the next chunk and those after it up to this many bytes in all; they come in one read as far
 * as they lie back to back in a pack. Small enough to stay in the CPU's cache while it is checked and sent: runs of
 * up to 4 MiB cost ~10% more CPU per large GET than 1 MiB ones.
 */
const RUN_BYTES = 1024 * 1024;

/**
 * Bytes [start, end] (inclusive) of a chunk list, in pieces, read as the consumer asks. With `buffers`, runs of
 * chunks stored back to back come in one read into one buffer taken from them, reused for every run and given back
 * by close(): a piece is then valid only until the next call (see BodySource in runtime/body-source.ts). Without,
 * each chunk is read into a fresh buffer the consumer may keep. Every chunk's record checksum is checked before any
 * of its bytes is handed out: damage makes next() throw, never return wrong bytes.
 */
export class ChunkRangeReader {
  private index = 0;
  private offset = 0; // object offset of chunks[index]
  private readonly ready: Uint8Array[] = [];
  private buffer: Uint8Array | undefined;
  private closed = false;

  constructor(
    private readonly blobs: BlobBackend,
    private readonly chunks: ChunkRef[],
    private readonly start: number,
    private readonly end: number,
    private readonly buffers?: ChunkBuffers,
  ) {
    while (this.index < chunks.length && this.offset + chunks[this.index][1] <= start) this.offset += chunks[this.index++][1];
  }

  async next(): Promise<Uint8Array | undefined> {
    if (this.ready.length === 0 && !this.closed && this.index < this.chunks.length && this.offset <= this.end) await this.read();
    return this.closed ? undefined : this.ready.shift();
  }

  /** Stops reading and gives the buffer back (idempotent). */
  close(): void {
    this.closed = true;
    this.ready.length = 0;
    if (this.buffer) this.buffers!.give(this.buffer.buffer);
    this.buffer = undefined;
  }

  private async read(): Promise<void> {
    const { blobs, chunks, index } = this;
    if (this.buffers && blobs.readRun) {
      this.buffer ??= this.buffers.take();
      const run = blobs.readRun(this.runHashes(), this.buffer); // throws on damage: the response fails instead of carrying wrong bytes
      for (const payload of run.length > 0 ? run : [blobs.get(chunks[index][0])]) this.take(payload); // a chunk too large for the buffer: read alone
      return;
    }
    // A remote backend fetches this chunk and the next few concurrently instead of one synchronous read each.
    if (blobs.load) {
      for (let k = index + 1; k < Math.min(chunks.length, index + READ_AHEAD); k++) void blobs.load(chunks[k][0]).catch(() => {});
      await blobs.load(chunks[index][0]);
    }
    this.take(blobs.get(chunks[index][0]));
  }

  /** The next chunk's hash and those of the chunks after it in the range, up to RUN_BYTES in all. */
  private runHashes(): string[] {
    const hashes = [this.chunks[this.index][0]];
    let bytes = this.chunks[this.index][1];
    for (let k = this.index + 1, at = this.offset + bytes; k < this.chunks.length && at <= this.end; at += this.chunks[k++][1]) {
      bytes += this.chunks[k][1];
      if (bytes > RUN_BYTES) break;
      hashes.push(this.chunks[k][0]);
    }
    return hashes;
  }

  /** Queues the part of the next chunk's payload that falls in the range. */
  private take(payload: Uint8Array): void {
    const size = this.chunks[this.index][1];
    this.ready.push(payload.subarray(Math.max(0, this.start - this.offset), Math.min(size, this.end - this.offset + 1)));
    this.offset += size;
    this.index++;
  }
}

/** Streams bytes [start, end] (inclusive) of a chunk list, reading one chunk at a time as the consumer pulls. */
export function readChunks(blobs: BlobBackend, chunks: ChunkRef[], start: number, end: number): ReadableStream<Uint8Array> {
  const reader = new ChunkRangeReader(blobs, chunks, start, end);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const piece = await reader.next();
      if (piece) controller.enqueue(piece);
      else controller.close();
    },
    // Nothing is read before a consumer asks: a response pumped through its body source never touches this stream.
  }, { highWaterMark: 0 });
}

/** Hashes over a set of digests, e.g. the multipart ETag (digest of the concatenated part digests). */
export function digestOfDigests(alg: DigestAlgorithm, hexDigests: string[]): string {
  const h = createHasher(alg);
  for (const d of hexDigests) h.update(fromHex(d));
  return toHex(h.digest());
}
