// The chain of signatures of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body: chunk n is signed over its data
// and the signature of chunk n-1, starting from the request's own (seed) signature; the trailer is
// signed last, over the final chunk's signature.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
import { digest, hmacSha256 } from "../../hash/hashing.ts";
import { timingSafeEqualText, toHex, utf8 } from "../../util/bytes.ts";
import type { SigV4Context } from "../auth/types.ts";
import { S3Error } from "../errors.ts";

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export class ChunkSignatureChain {
  private previous: string;

  constructor(private readonly context: SigV4Context) {
    this.previous = context.seedSignature;
  }

  /** The signature the next chunk, whose data hashes to `dataSha256`, must carry; advances the chain. */
  signChunk(dataSha256: Uint8Array): string {
    const { amzDate, scope } = this.context;
    return this.advance(`AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${this.previous}\n${EMPTY_SHA256}\n${toHex(dataSha256)}`);
  }

  /** The signature the trailer must carry; `canonicalTrailers` is "name:value\n" per trailer, in order. */
  signTrailer(canonicalTrailers: string): string {
    const { amzDate, scope } = this.context;
    const hash = toHex(digest("sha256", utf8(canonicalTrailers)));
    return this.advance(`AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${this.previous}\n${hash}`);
  }

  verifyChunk(dataSha256: Uint8Array, given: string): void {
    check(this.signChunk(dataSha256), given, "chunk");
  }

  verifyTrailer(canonicalTrailers: string, given: string): void {
    check(this.signTrailer(canonicalTrailers), given, "trailer");
  }

  private advance(stringToSign: string): string {
    this.previous = toHex(hmacSha256(this.context.signingKey, stringToSign));
    return this.previous;
  }
}

function check(expected: string, given: string, what: string): void {
  if (!timingSafeEqualText(expected, given)) {
    throw new S3Error("SignatureDoesNotMatch", `The ${what} signature we calculated does not match the signature you provided.`);
  }
}
