// The fuzzer's side of the wire: writes a case's bytes exactly as generated on one connection (in pieces,
// pipelined, hung up early) and reads back every answer, checking that each one is well-framed HTTP/1.x.
import * as net from "node:net";

export interface Answer {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/** What goes on one connection. */
export interface WireCase {
  /** written one after the other, `pauseMs` apart */
  pieces: Buffer[];
  pauseMs: number;
  /** the method of each request, in order (a HEAD's answer has no body); "HEAD?" for a HEAD the server may not read as one */
  methods: string[];
  /** how many answers the server owes: the well-framed requests up to the first that asks to close */
  owed: number;
  /** "reset": the client goes away right after writing; "end": it half-closes and reads what comes */
  hangUp: "none" | "reset" | "end";
}

export interface Outcome {
  answers: Answer[];
  /** what is wrong with the server's side of the exchange */
  problems: string[];
}

/** A connection whose owed answers take longer than this is a server that stopped answering. */
const ANSWER_TIMEOUT_MS = 15_000;
/** With nothing owed, how long to wait for whatever the server may still say. */
const IDLE_MS = 200;

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?$/;
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([^\r\n]*?)[ \t]*$/;

type Parsed = { answer: Answer; used: number } | { incomplete: true } | { problem: string };

/** One answer at the start of `buf`; `closed` says no more bytes will come (a body may end at the close). */
export function parseAnswer(buf: Buffer, method: string | undefined, closed: boolean): Parsed {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return closed ? { problem: `a truncated answer head: ${JSON.stringify(buf.subarray(0, 200).toString("latin1"))}` } : { incomplete: true };
  const [statusLine, ...lines] = buf.subarray(0, end).toString("latin1").split("\r\n");
  const m = STATUS_LINE.exec(statusLine);
  if (!m) return { problem: `not an HTTP status line: ${JSON.stringify(statusLine.slice(0, 200))}` };
  const status = Number(m[1]);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const h = HEADER_LINE.exec(line);
    if (!h) return { problem: `a malformed header line: ${JSON.stringify(line.slice(0, 200))}` };
    const name = h[1].toLowerCase();
    if (headers.has(name) && (name === "content-length" || name === "transfer-encoding")) return { problem: `two ${name} headers` };
    headers.set(name, h[2]);
  }
  const start = end + 4;
  // A HEAD the server may have read as something else (cut short, or garbage around it): its own answers to a HEAD
  // have no body, its answer to unparsable bytes has one (XML, or Bun's empty chunked one when Host is missing).
  const head = method === "HEAD" || (method === "HEAD?" && (status < 400 || headers.has("x-amz-error-code") || (headers.get("content-type") ?? "").includes("json")));
  if (status < 200 || head || status === 204 || status === 304) return { answer: { status, headers, body: Buffer.alloc(0) }, used: start };
  const te = headers.get("transfer-encoding");
  const cl = headers.get("content-length");
  if (te !== undefined) {
    if (cl !== undefined) return { problem: "both Transfer-Encoding and Content-Length" };
    if (te.toLowerCase() !== "chunked") return { problem: `Transfer-Encoding ${te}` };
    return chunkedBody(buf, start, status, headers, closed);
  }
  if (cl !== undefined) {
    if (!/^\d+$/.test(cl)) return { problem: `Content-Length ${JSON.stringify(cl)}` };
    const length = Number(cl);
    if (buf.length - start < length) return closed ? { problem: `the body broke off: ${buf.length - start} of ${length} bytes` } : { incomplete: true };
    return { answer: { status, headers, body: buf.subarray(start, start + length) }, used: start + length };
  }
  // Neither: the body ends with the connection (RFC 9112 §6.3).
  if (!closed) return { incomplete: true };
  return { answer: { status, headers, body: buf.subarray(start) }, used: buf.length };
}

function chunkedBody(buf: Buffer, start: number, status: number, headers: Map<string, string>, closed: boolean): Parsed {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const eol = buf.indexOf("\r\n", at);
    if (eol < 0) return closed ? { problem: "a chunked body broke off" } : { incomplete: true };
    const size = /^([0-9a-fA-F]+)(;[^\r\n]*)?$/.exec(buf.subarray(at, eol).toString("latin1"));
    if (!size) return { problem: `a malformed chunk size line: ${JSON.stringify(buf.subarray(at, eol).toString("latin1").slice(0, 100))}` };
    const n = parseInt(size[1], 16);
    at = eol + 2;
    if (n === 0) {
      const trailerEnd = buf.indexOf("\r\n", at) === at ? at : buf.indexOf("\r\n\r\n", at);
      if (trailerEnd < 0) return closed ? { problem: "a chunked body's trailer broke off" } : { incomplete: true };
      const used = trailerEnd === at ? at + 2 : trailerEnd + 4;
      return { answer: { status, headers, body: Buffer.concat(parts) }, used };
    }
    if (buf.length < at + n + 2) return closed ? { problem: "a chunk broke off" } : { incomplete: true };
    if (buf.subarray(at + n, at + n + 2).toString("latin1") !== "\r\n") return { problem: "a chunk not followed by CRLF" };
    parts.push(buf.subarray(at, at + n));
    at += n + 2;
  }
}

/** Runs one case on a fresh connection to 127.0.0.1:port. */
export function exchange(port: number, c: WireCase): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let received: Buffer = Buffer.alloc(0);
    const answers: Answer[] = [];
    const problems: string[] = [];
    let closed = false;
    let finished = false;
    let askedToClose = false;
    let idle: ReturnType<typeof setTimeout> | undefined;
    let written = false;

    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      clearTimeout(idle);
      socket.destroy();
      resolve({ answers, problems });
    };
    /** Takes every whole answer off `received`; true when the exchange is over. */
    const drain = (): boolean => {
      while (received.length > 0 && problems.length === 0) {
        const parsed = parseAnswer(received, c.methods[answers.length], closed);
        if ("incomplete" in parsed) break;
        if ("problem" in parsed) {
          problems.push(parsed.problem);
          break;
        }
        received = received.subarray(parsed.used);
        if (parsed.answer.status < 200) continue; // 100 Continue: the final answer follows
        answers.push(parsed.answer);
        if ((parsed.answer.headers.get("connection") ?? "").toLowerCase().includes("close")) askedToClose = true;
      }
      if (problems.length > 0) return true;
      if (closed) {
        if (answers.length < c.owed && !askedToClose && c.hangUp === "none") problems.push(`the connection closed${error ? ` (${error})` : ""} with ${answers.length} of ${c.owed} owed answers`);
        return true;
      }
      return written && c.owed > 0 && answers.length >= c.owed;
    };
    const deadline = setTimeout(() => {
      if (answers.length < c.owed && !askedToClose) problems.push(`no answer within ${ANSWER_TIMEOUT_MS} ms (${answers.length} of ${c.owed} owed answers came)`);
      finish();
    }, ANSWER_TIMEOUT_MS);
    const restartIdle = () => {
      clearTimeout(idle);
      if (written && (c.owed === 0 || askedToClose || answers.length >= c.owed)) idle = setTimeout(finish, IDLE_MS);
    };

    socket.on("data", (d: Buffer) => {
      received = received.length ? Buffer.concat([received, d]) : d;
      if (drain()) finish();
      else restartIdle();
    });
    let error = "";
    socket.on("error", (err: NodeJS.ErrnoException) => (error = err.code ?? err.message)); // a reset: the server hung up on garbage, or we did; the close follows
    socket.on("close", () => {
      closed = true;
      drain();
      finish();
    });
    socket.on("connect", async () => {
      for (let i = 0; i < c.pieces.length && !socket.destroyed; i++) {
        if (i > 0 && c.pauseMs > 0) await new Promise((r) => setTimeout(r, c.pauseMs));
        if (!socket.destroyed) socket.write(c.pieces[i]);
      }
      written = true;
      if (c.hangUp === "reset") {
        finish();
        return;
      }
      if (c.hangUp === "end") socket.end();
      if (drain()) finish();
      else restartIdle();
    });
  });
}
