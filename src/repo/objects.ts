// Object bytes: streamed in through the chunker into content-addressed chunks, streamed out by range.
import { createChunker } from "../hash/chunker.ts";
import { createHasher, type DigestAlgorithm } from "../hash/hashing.ts";
import { toHex } from "../util/bytes.ts";
import type { BlobStore } from "../store/blob-store.ts";

/** [chunk hash, chunk size] */
export type ChunkRef = [string, number];

export interface StoredBytes {
  size: number;
  sha256: string;
  md5?: string;
  chunks: ChunkRef[];
}

/**
 * Cuts a stream into chunks and stores each once (a chunk already in the store is not written again).
 * Returns the size, digests and chunk list. Memory stays bounded by the chunker's maximum chunk size.
 */
export async function storeStream(
  blobs: BlobStore,
  body: ReadableStream<Uint8Array> | null,
  options: { md5?: boolean; maxSize?: number } = {},
): Promise<StoredBytes> {
  const chunker = createChunker();
  const sha = createHasher("sha256");
  const md5 = options.md5 ? createHasher("md5") : undefined;
  const chunks: ChunkRef[] = [];
  let size = 0;
  const keep = (chunk: Uint8Array) => chunks.push([blobs.put("chunk", chunk), chunk.length]);
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
      sha.update(value);
      md5?.update(value);
      for (const chunk of chunker.push(value)) keep(chunk);
    }
  }
  const last = chunker.finish();
  if (last) keep(last);
  return { size, sha256: toHex(sha.digest()), md5: md5 ? toHex(md5.digest()) : undefined, chunks };
}

export class ObjectTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`object exceeds ${limit} bytes`);
  }
}

/** Streams bytes [start, end] (inclusive) of a chunk list, reading one chunk at a time as the consumer pulls. */
export function readChunks(blobs: BlobStore, chunks: ChunkRef[], start: number, end: number): ReadableStream<Uint8Array> {
  let index = 0;
  let offset = 0; // object offset of chunks[index]
  while (index < chunks.length && offset + chunks[index][1] <= start) offset += chunks[index++][1];
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index >= chunks.length || offset > end) return controller.close();
      const [hash, size] = chunks[index];
      const bytes = blobs.get(hash); // throws on damage: the response fails instead of carrying wrong bytes
      const from = Math.max(0, start - offset);
      const to = Math.min(size, end - offset + 1);
      controller.enqueue(bytes.subarray(from, to));
      offset += size;
      index++;
    },
  }, { highWaterMark: 1 });
}

/** Hashes over a set of digests, e.g. the multipart ETag (digest of the concatenated part digests). */
export function digestOfDigests(alg: DigestAlgorithm, hexDigests: string[]): string {
  const h = createHasher(alg);
  for (const d of hexDigests) h.update(Uint8Array.from(d.match(/../g) ?? [], (x) => parseInt(x, 16)));
  return toHex(h.digest());
}
