// The ETag Strata gives bytes, computed without a store: what `strata hash` prints, so anyone can check an
// object against a local file without trusting the server. The rules are bytesDigest's (objects.ts) and the
// multipart rule (digest of the parts' digests, then -N); the chunk boundaries are the chunker's, which depend
// only on the bytes. docs/etag.md spells the derivation out.
import { createChunker, DEFAULT_CHUNKING } from "../hash/chunker.ts";
import { createHasher, digest } from "../hash/hashing.ts";
import { toHex } from "../util/bytes.ts";
import { bytesDigest, type ChunkRef, digestOfDigests } from "./objects.ts";

export type EtagMode = "sha256" | "md5";

/** Digests of one run of bytes (a whole object, or one part): its SHA-256 digest as bytesDigest gives it, and its MD5. */
class PieceDigest {
  private readonly chunker = createChunker(DEFAULT_CHUNKING);
  private readonly chunks: ChunkRef[] = [];
  private readonly md5 = createHasher("md5");

  update(bytes: Uint8Array): void {
    this.md5.update(bytes);
    for (const chunk of this.chunker.push(bytes)) this.chunks.push([toHex(digest("sha256", chunk)), chunk.length]);
  }

  finish(): { sha256: string; md5: string } {
    const last = this.chunker.finish();
    if (last) this.chunks.push([toHex(digest("sha256", last)), last.length]);
    return { sha256: bytesDigest(this.chunks), md5: toHex(this.md5.digest()) };
  }
}

/**
 * The unquoted ETag of a stream's bytes: uploaded in one PUT (no partSize), or as a multipart upload whose parts
 * are `partSize` bytes each but the last (as the aws CLI and SDK transfer managers cut them).
 */
export async function etagOf(body: AsyncIterable<Uint8Array>, options: { mode?: EtagMode; partSize?: number } = {}): Promise<string> {
  const mode = options.mode ?? "sha256";
  const partSize = options.partSize;
  if (partSize !== undefined && !(Number.isSafeInteger(partSize) && partSize > 0)) throw new RangeError("the part size must be a positive number of bytes");
  const parts: Array<{ sha256: string; md5: string }> = [];
  let piece = new PieceDigest();
  let inPiece = 0;
  for await (const data of body) {
    let at = 0;
    while (at < data.length) {
      const take = partSize === undefined ? data.length - at : Math.min(data.length - at, partSize - inPiece);
      piece.update(data.subarray(at, at + take));
      at += take;
      inPiece += take;
      if (partSize !== undefined && inPiece === partSize) {
        parts.push(piece.finish());
        piece = new PieceDigest();
        inPiece = 0;
      }
    }
  }
  if (partSize === undefined) return piece.finish()[mode];
  if (inPiece > 0 || parts.length === 0) parts.push(piece.finish());
  return `${digestOfDigests(mode, parts.map((p) => p[mode]))}-${parts.length}`;
}
