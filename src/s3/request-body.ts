// Request bodies that S3 reads whole (XML documents): read at most a limit, checked as the bytes arrive, so
// an oversized body is refused before it is held in memory or parsed.
import { concatBytes } from "../util/bytes.ts";
import type { S3Request } from "./context.ts";
import { S3Error } from "./errors.ts";

/** Caps per document. DeleteObjects: 1000 keys of up to 1024 bytes, each possibly written as 6-byte references. */
export const BODY_LIMITS = {
  deleteObjects: 1000 * (1024 * 6 + 256),
  /** 10,000 parts of about 150 bytes each */
  completeMultipartUpload: 10_000 * 512,
  /** CreateBucketConfiguration: a region name, and room for the elements of directory buckets and tags */
  createBucket: 16 * 1024,
  /**
   * Tagging documents: 50 tags (a bucket's most) of a 128-unit key and a 256-unit value, each unit possibly written
   * as an 8-byte character reference, and room for the markup
   */
  tagging: 50 * (128 + 256) * 8 + 16 * 1024,
  /** bucket configuration documents (S3 refuses CORS configurations over 64 KB) */
  configuration: 64 * 1024,
} as const;

const tooLong = (limit: number) => new S3Error("MaxMessageLengthExceeded", `Your request was too big: at most ${limit} bytes are accepted.`);

/** The body as text, refused with MaxMessageLengthExceeded once it passes `limit` bytes. */
export async function boundedText(body: S3Request["body"], limit: number): Promise<string> {
  if (body === null) return "";
  if (body instanceof Uint8Array) {
    if (body.length > limit) throw tooLong(limit);
    return new TextDecoder().decode(body);
  }
  const pieces: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLong(limit);
    }
    pieces.push(value);
  }
  return new TextDecoder().decode(concatBytes(pieces));
}
