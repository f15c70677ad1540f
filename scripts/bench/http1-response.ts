// An incremental HTTP/1.1 response reader for the load generator's lean client: fed the bytes of
// one connection as they arrive, it returns each response once it is whole. It reads only what
// a client needs to find the end of a response and judge it: the status, Content-Length,
// Transfer-Encoding and Connection. The body ends by Content-Length, by chunked framing or by the
// close of the connection; HEAD answers and 1xx/204/304 have none (RFC 9112 §6.3).

export interface Http1Response {
  status: number;
  /** The Content-Length header, when the response has one (a HEAD answer's is the object size). */
  contentLength: number | undefined;
  /** False when the server will close the connection after this response. */
  keepAlive: boolean;
  body: Uint8Array;
}

export class Http1ProtocolError extends Error {}

/** The connection closed while a response was awaited; `beforeAnswer`: not one byte of it came. */
export class ClosedMidResponse extends Http1ProtocolError {
  constructor(readonly beforeAnswer: boolean) {
    super(`connection closed ${beforeAnswer ? "before answering" : "in the middle of a response"}`);
  }
}

const CR = 13;
const LF = 10;
const EMPTY = new Uint8Array(0);
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |\r|$)/;
// The only headers that decide where a response ends and what follows it.
const FRAMING_HEADERS = /\r\n(content-length|transfer-encoding|connection)[ \t]*:([^\r]*)/gi;

const tokensOf = (list: string) => list.toLowerCase().split(",").map((t) => t.trim());

type State =
  | "head" // status line and headers, up to the empty line
  | "fixed" // a Content-Length body; `remaining` bytes to go
  | "chunkSize" // the line giving the next chunk's size
  | "chunkData" // `remaining` bytes of a chunk
  | "chunkEnd" // the CRLF after a chunk's data
  | "trailers" // trailer lines after the last chunk, up to the empty line
  | "untilClose" // no framing: the body ends when the connection does
  | "idle"; // no request in flight

export class Http1ResponseReader {
  private state: State = "idle";
  private pending: Uint8Array = EMPTY; // bytes received and not consumed yet
  private headScanFrom = 0; // where in `pending` the search for the end of the head resumes
  private forHead = false;
  private received = 0; // bytes fed since the request was sent
  private remaining = 0;
  private parts: Uint8Array[] = [];
  // The head of the response being read.
  private status = 0;
  private contentLength: number | undefined;
  private keepAlive = true;

  /** Readies the reader for the answer to the next request (`head`: it was a HEAD request). */
  expect(head: boolean): void {
    if (this.state !== "idle") throw new Http1ProtocolError("a response is still being read");
    this.state = "head";
    this.forHead = head;
    this.headScanFrom = 0;
    this.received = 0;
  }

  /** True while a response has been asked for and not completed. */
  get busy(): boolean {
    return this.state !== "idle";
  }

  /** Consumes bytes; returns the response when they complete it. Bytes past its end are an error. */
  feed(chunk: Uint8Array): Http1Response | undefined {
    if (this.state === "idle") throw new Http1ProtocolError("bytes arrived with no request in flight");
    this.received += chunk.length;
    this.pending = this.pending.length === 0 ? chunk : concat([this.pending, chunk]);
    const done = this.advance();
    if (done && this.pending.length > 0) throw new Http1ProtocolError(`${this.pending.length} bytes past the end of a response`);
    return done;
  }

  /** The connection closed: completes a body that runs until close, or reports a cut response. */
  close(): Http1Response | undefined {
    if (this.state === "untilClose") return this.finish();
    if (this.state === "idle") return undefined;
    const beforeAnswer = this.received === 0;
    this.reset();
    throw new ClosedMidResponse(beforeAnswer);
  }

  /** Forgets any partial response (the connection it came from is gone). */
  reset(): void {
    this.state = "idle";
    this.pending = EMPTY;
    this.parts = [];
  }

  private advance(): Http1Response | undefined {
    for (;;) {
      switch (this.state) {
        case "head": {
          const end = indexOfBlankLine(this.pending, this.headScanFrom);
          if (end < 0) {
            this.headScanFrom = Math.max(0, this.pending.length - 3);
            return undefined;
          }
          const head = Buffer.from(this.pending.buffer, this.pending.byteOffset, end).toString("latin1");
          this.consume(end + 4);
          this.headScanFrom = 0;
          const done = this.startBody(head);
          if (done) return done;
          break;
        }
        case "fixed":
        case "chunkData": {
          const take = Math.min(this.remaining, this.pending.length);
          if (take > 0) this.parts.push(this.pending.subarray(0, take));
          this.consume(take);
          this.remaining -= take;
          if (this.remaining > 0) return undefined;
          if (this.state === "fixed") return this.finish();
          this.state = "chunkEnd";
          break;
        }
        case "chunkEnd": {
          if (this.pending.length < 2) return undefined;
          if (this.pending[0] !== CR || this.pending[1] !== LF) throw new Http1ProtocolError("chunk data not followed by CRLF");
          this.consume(2);
          this.state = "chunkSize";
          break;
        }
        case "chunkSize": {
          const line = this.takeLine();
          if (line === undefined) return undefined;
          const hex = line.split(";", 1)[0].trim(); // chunk extensions are ignored
          this.remaining = /^[0-9a-fA-F]{1,12}$/.test(hex) ? parseInt(hex, 16) : NaN;
          if (Number.isNaN(this.remaining)) throw new Http1ProtocolError(`bad chunk size ${JSON.stringify(line.slice(0, 40))}`);
          this.state = this.remaining === 0 ? "trailers" : "chunkData";
          break;
        }
        case "trailers": {
          const line = this.takeLine();
          if (line === undefined) return undefined;
          if (line === "") return this.finish();
          break;
        }
        case "untilClose":
          if (this.pending.length > 0) this.parts.push(this.pending);
          this.pending = EMPTY;
          return undefined;
        case "idle":
          return undefined;
      }
    }
  }

  /** Reads the head; returns the response at once when it has no body. */
  private startBody(head: string): Http1Response | undefined {
    const statusLine = STATUS_LINE.exec(head);
    if (!statusLine) throw new Http1ProtocolError(`bad status line ${JSON.stringify(head.slice(0, 60))}`);
    const status = Number(statusLine[2]);
    let keepAlive = statusLine[1] === "1"; // HTTP/1.0 closes unless it says keep-alive
    let contentLength: number | undefined;
    let transferEncoding: string | undefined;
    for (const [, rawName, rawValue] of head.matchAll(FRAMING_HEADERS)) {
      const name = rawName.toLowerCase();
      const value = rawValue.trim();
      if (name === "content-length") {
        if (!/^\d+$/.test(value) || (contentLength !== undefined && contentLength !== Number(value))) {
          throw new Http1ProtocolError(`bad Content-Length ${JSON.stringify(value)}`);
        }
        contentLength = Number(value);
      } else if (name === "transfer-encoding") {
        transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
      } else {
        const tokens = tokensOf(value);
        if (tokens.includes("close")) keepAlive = false;
        else if (tokens.includes("keep-alive")) keepAlive = true;
      }
    }
    if (status >= 100 && status < 200) {
      this.state = "head"; // an interim answer; the real one follows
      return undefined;
    }
    this.status = status;
    this.contentLength = contentLength;
    this.keepAlive = keepAlive;
    if (this.forHead || status === 204 || status === 304) return this.finish();
    if (transferEncoding !== undefined) {
      // Chunked must be the last coding; any other framing runs until the connection closes.
      const codings = tokensOf(transferEncoding);
      this.state = codings[codings.length - 1] === "chunked" ? "chunkSize" : "untilClose";
    } else if (contentLength !== undefined) {
      this.state = "fixed";
      this.remaining = contentLength;
    } else {
      this.state = "untilClose";
    }
    if (this.state === "untilClose") this.keepAlive = false;
    return undefined;
  }

  private finish(): Http1Response {
    const body = this.parts.length === 0 ? EMPTY : this.parts.length === 1 ? this.parts[0] : concat(this.parts);
    this.state = "idle";
    this.parts = [];
    return { status: this.status, contentLength: this.contentLength, keepAlive: this.keepAlive, body };
  }

  /** The next CRLF-terminated line of `pending` (consumed), or undefined when it is not whole yet. */
  private takeLine(): string | undefined {
    const lf = this.pending.indexOf(LF);
    if (lf < 0) return undefined;
    if (lf === 0 || this.pending[lf - 1] !== CR) throw new Http1ProtocolError("line not ended by CRLF");
    const line = Buffer.from(this.pending.buffer, this.pending.byteOffset, lf - 1).toString("latin1");
    this.consume(lf + 1);
    return line;
  }

  private consume(n: number): void {
    this.pending = n >= this.pending.length ? EMPTY : this.pending.subarray(n);
  }
}

function indexOfBlankLine(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(CR, from); i >= 0 && i + 3 < bytes.length; i = bytes.indexOf(CR, i + 1)) {
    if (bytes[i + 1] === LF && bytes[i + 2] === CR && bytes[i + 3] === LF) return i;
  }
  return -1;
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
