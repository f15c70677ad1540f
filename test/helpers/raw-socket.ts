// Bytes written to a server exactly as given (no client to normalise a path, fix a Host or frame a body), and
// the answers read back: for requests no HTTP client would send.
import * as net from "node:net";

export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/**
 * Writes `bytes` on one connection and reads until the server closes it (or `waitMs` passes), then splits what
 * came back into answers by their Content-Length (every Strata answer has one). With `readAfterMs`, nothing is
 * read before that long after the write (a client busy sending): answers must survive in the socket meanwhile.
 */
export function exchange(port: number, bytes: string | Uint8Array, waitMs = 5000, methods: string[] = [], readAfterMs = 0): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), waitMs);
    if (readAfterMs > 0) {
      socket.pause();
      setTimeout(() => socket.resume(), readAfterMs);
    }
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", () => {}); // a reset after the answers is the server hanging up on garbage: read what came
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parseResponses(Buffer.concat(chunks), methods));
      } catch (err) {
        reject(err);
      }
    });
    socket.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes);
  });
}

/** One request with `Connection: close`, its one answer. */
export async function rawCall(port: number, requestHead: string, body = ""): Promise<RawResponse> {
  const head = `${requestHead}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body, "latin1")}\r\n\r\n`;
  const [answer] = await exchange(port, head + body, 5000, [requestHead.split(" ")[0]]);
  if (!answer) throw new Error(`no answer to ${requestHead.split("\r\n")[0]}`);
  return answer;
}

/** The answers in `all`, in order; `methods[i]` says whether answer i is a HEAD's (which has no body). */
export function parseResponses(all: Buffer, methods: string[] = []): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = all;
  while (rest.length > 0) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) throw new Error(`a truncated answer head: ${JSON.stringify(rest.toString("latin1").slice(0, 200))}`);
    const [statusLine, ...lines] = rest.subarray(0, end).toString("latin1").split("\r\n");
    const headers = new Map<string, string>();
    for (const line of lines) headers.set(line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim());
    const status = Number(statusLine.split(" ")[1]);
    const bodiless = methods[out.length] === "HEAD" || status === 204 || status === 304;
    const length = bodiless ? 0 : Number(headers.get("content-length") ?? 0);
    const chunked = !bodiless && headers.get("transfer-encoding")?.includes("chunked");
    let bodyEnd = end + 4 + length;
    if (chunked) bodyEnd = rest.indexOf("0\r\n\r\n", end + 4) + 5;
    out.push({ status, headers, body: rest.subarray(end + 4, bodyEnd).toString("utf8") });
    rest = rest.subarray(bodyEnd);
  }
  return out;
}
