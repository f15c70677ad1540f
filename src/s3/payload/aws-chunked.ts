// Streaming decoder of the aws-chunked body framing:
//
//   <hex size>[;chunk-signature=<sig>]\r\n <size bytes> \r\n   ...repeated...
//   0[;chunk-signature=<sig>]\r\n
//   [<trailer-name>:<value>\r\n ...] [x-amz-trailer-signature:<sig>\r\n] \r\n
//
// A state machine fed with whatever slices the network delivers: a chunk header, a CRLF or a trailer
// may be cut anywhere. Chunk data is passed on as it arrives (never buffered whole, whatever size a
// chunk declares); its signature is checked when the chunk ends, and the caller holds back the last
// bytes until `end()` succeeded, so nothing unverified is ever committed.
import { createHasher, type Hasher } from "../../hash/hashing.ts";
import { S3Error } from "../errors.ts";
import type { ChunkSignatureChain } from "./chunk-signatures.ts";

/** Longest chunk header or trailer line accepted; real ones are under 200 bytes. */
const MAX_LINE = 4096;
const MAX_TRAILERS = 16;

export const malformed = (why: string) => new S3Error("InvalidRequest", `Malformed aws-chunked body: ${why}`);

type State = "size" | "data" | "data-end" | "trailers" | "done";

export class AwsChunkedDecoder {
  private state: State = "size";
  private line = "";
  private remaining = 0;
  private crlfSeen = 0;
  private chunkSignature = "";
  private chunkHash: Hasher | undefined;
  private blankBeforeTrailers = false;
  private readonly trailers: [string, string][] = [];
  private trailerSignature: string | undefined;

  /**
   * @param chain verifies chunk (and trailer) signatures; absent for STREAMING-UNSIGNED-PAYLOAD-TRAILER
   * @param trailersAllowed whether trailers may follow the last chunk (the -TRAILER payload modes)
   */
  constructor(
    private readonly chain: ChunkSignatureChain | undefined,
    private readonly trailersAllowed: boolean,
  ) {}

  /** Feeds raw body bytes; `emit` receives the decoded object bytes they contain, in order. */
  write(input: Uint8Array, emit: (data: Uint8Array) => void): void {
    let at = 0;
    while (at < input.length) {
      switch (this.state) {
        case "size":
        case "trailers": {
          const next = this.readLine(input, at);
          if (next < 0) return;
          at = next;
          const line = this.line;
          this.line = "";
          if (this.state === "size") this.chunkHeader(line);
          else this.trailerLine(line);
          break;
        }
        case "data": {
          const n = Math.min(this.remaining, input.length - at);
          const piece = input.subarray(at, at + n);
          this.chunkHash?.update(piece);
          emit(piece);
          at += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = "data-end";
          break;
        }
        case "data-end": {
          if (input[at] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) throw malformed("chunk data is not followed by CRLF");
          at++;
          if (++this.crlfSeen === 2) {
            this.crlfSeen = 0;
            if (this.chunkHash) this.chain!.verifyChunk(this.chunkHash.digest(), this.chunkSignature);
            this.state = "size";
          }
          break;
        }
        case "done":
          // Tolerate stray line ends after the closing blank line; anything else would be lost data.
          if (input[at] !== 0x0d && input[at] !== 0x0a) throw malformed("bytes after the end of the body");
          at++;
          break;
      }
    }
  }

  /** Call when the body has ended: checks the framing is complete; returns the trailers (lower-case names). */
  end(): Map<string, string> {
    // A body may stop right after its last trailer line, without the closing blank line.
    if (this.state === "trailers" && this.line === "") this.closeTrailers();
    if (this.state !== "done") {
      throw new S3Error("IncompleteBody", "The aws-chunked body ended before its final chunk.");
    }
    return new Map(this.trailers);
  }

  /** Appends up to the next LF to `line`; returns the index after it, or -1 if the line continues. */
  private readLine(input: Uint8Array, at: number): number {
    const lf = input.indexOf(0x0a, at);
    const end = lf < 0 ? input.length : lf;
    if (this.line.length + (end - at) > MAX_LINE) throw malformed("chunk header or trailer line too long");
    this.line += String.fromCharCode(...input.subarray(at, end));
    if (lf < 0) return -1;
    // Trailer lines may end in a bare LF: AWS documents clients that send "<checksum>\n\r\n".
    if (this.line.endsWith("\r")) this.line = this.line.slice(0, -1);
    else if (this.state !== "trailers") throw malformed("chunk header not ended by CRLF");
    return lf + 1;
  }

  private chunkHeader(line: string): void {
    const [sizeText, ...extensions] = line.split(";");
    if (!/^[0-9a-fA-F]{1,13}$/.test(sizeText.trim())) throw malformed(`bad chunk size "${sizeText.slice(0, 40)}"`);
    const size = parseInt(sizeText, 16);
    if (this.chain) {
      const signature = extensions.find((e) => e.trim().startsWith("chunk-signature="))?.trim().slice("chunk-signature=".length);
      if (!signature || !/^[0-9a-f]{64}$/.test(signature)) {
        throw new S3Error("SignatureDoesNotMatch", "Chunk signature missing or malformed in a signed aws-chunked body.");
      }
      this.chunkSignature = signature;
      this.chunkHash = createHasher("sha256");
    }
    if (size > 0) {
      this.remaining = size;
      this.state = "data";
      return;
    }
    if (this.chunkHash) this.chain!.verifyChunk(this.chunkHash.digest(), this.chunkSignature);
    this.chunkHash = undefined;
    this.state = "trailers";
  }

  private trailerLine(line: string): void {
    if (line === "") {
      // Some signers put a blank line between the final chunk and the trailers; only the first blank is skipped.
      if (this.trailersAllowed && this.trailers.length === 0 && this.trailerSignature === undefined && !this.blankBeforeTrailers) {
        this.blankBeforeTrailers = true;
        return;
      }
      this.closeTrailers();
      return;
    }
    if (!this.trailersAllowed) throw malformed("trailers after the final chunk, but x-amz-content-sha256 announces none");
    const colon = line.indexOf(":");
    if (colon <= 0) throw malformed(`bad trailer line "${line.slice(0, 40)}"`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") this.trailerSignature = value;
    else if (this.trailers.length >= MAX_TRAILERS) throw malformed("too many trailers");
    else this.trailers.push([name, value]);
  }

  private closeTrailers(): void {
    if (this.chain && (this.trailers.length > 0 || this.trailerSignature !== undefined)) {
      if (this.trailerSignature === undefined) throw new S3Error("SignatureDoesNotMatch", "The trailer signature is missing.");
      this.chain.verifyTrailer(this.trailers.map(([n, v]) => `${n}:${v}\n`).join(""), this.trailerSignature);
    }
    this.state = "done";
  }
}
