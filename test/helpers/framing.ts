// How a server frames its answers, read off the socket: every GetObject answer (whole, Range, partNumber, any
// size) carries Content-Length and never Transfer-Encoding: chunked, and every answer carries Date (RFC 9110
// §6.6.1; s3cmd and boto3 rely on both). Used against the in-process server, the compiled binary and Deno.
import { randomBytes } from "node:crypto";
import * as net from "node:net";

interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  bodyBytes: number;
  /** the answer's body as text */
  text: string;
}

/**
 * One request on its own keep-alive connection (Bun.serve framed a streamed body differently when the client
 * asked to close), read until its answer is whole by its own framing: the head, then Content-Length bytes, or
 * chunks up to the last, or nothing for HEAD, 204 and 304.
 */
export function rawRequest(base: string, method: string, path: string, headers: Record<string, string> = {}, body: Uint8Array = new Uint8Array(0)): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let all: Buffer = Buffer.alloc(0);
    let answer: RawAnswer | undefined;
    const done = () => {
      socket.destroy();
      resolve(answer!);
    };
    socket.on("data", (d: Buffer) => {
      all = Buffer.concat([all, d]);
      if (!answer) {
        const end = all.indexOf("\r\n\r\n");
        if (end < 0) return;
        const [status, ...lines] = all.subarray(0, end).toString("latin1").split("\r\n");
        const parsed = new Map<string, string>();
        for (const line of lines) parsed.set(line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim());
        answer = { status: Number(status.split(" ")[1]), headers: parsed, bodyBytes: 0, text: "" };
        all = all.subarray(end + 4);
      }
      answer.bodyBytes = all.length;
      answer.text = all.toString("utf8");
      const length = answer.headers.get("content-length");
      if (method === "HEAD" || answer.status === 204 || answer.status === 304) done();
      else if (answer.headers.get("transfer-encoding")?.includes("chunked")) {
        if (all.subarray(-5).toString() === "0\r\n\r\n") done();
      } else if (length !== undefined && all.length >= Number(length)) done();
    });
    socket.on("error", reject);
    socket.on("close", () => (answer ? resolve(answer) : reject(new Error(`${method} ${path}: closed before an answer`))));
    const extra = Object.entries({ host: `${hostname}:${port}`, "content-length": String(body.length), ...headers });
    socket.write(`${method} ${path} HTTP/1.1\r\n${extra.map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`);
    socket.write(body);
  });
}

const SIZE = 3 * 1024 * 1024 + 17; // several chunks: streamed, not answered from one buffer

/**
 * Stores a multi-chunk object in `bucket` (made here) and checks the framing of GET (whole, Range, partNumber),
 * HEAD, an error and its HEAD, a listing and a PUT. Returns what is wrong, one line each (empty: all is well).
 */
export async function framingProblems(base: string, bucket: string): Promise<string[]> {
  const problems: string[] = [];
  const body = randomBytes(SIZE); // random: chunks that neither repeat nor arrive in one read
  const check = async (what: string, method: string, path: string, expect: { status: number; length?: number }, headers: Record<string, string> = {}, send?: Uint8Array) => {
    const a = await rawRequest(base, method, path, headers, send);
    if (a.status !== expect.status) problems.push(`${what}: status ${a.status}, expected ${expect.status}`);
    if (!a.headers.has("date")) problems.push(`${what}: no Date header`);
    if (a.headers.has("transfer-encoding")) problems.push(`${what}: Transfer-Encoding: ${a.headers.get("transfer-encoding")}`);
    if (expect.length !== undefined && a.headers.get("content-length") !== String(expect.length)) {
      problems.push(`${what}: Content-Length ${a.headers.get("content-length")}, expected ${expect.length}`);
    }
    if (method !== "HEAD" && a.status !== 304 && a.headers.has("content-length") && Number(a.headers.get("content-length")) !== a.bodyBytes) {
      problems.push(`${what}: Content-Length ${a.headers.get("content-length")} but ${a.bodyBytes} bytes followed`);
    }
  };
  await check("CreateBucket", "PUT", `/${bucket}`, { status: 200 });
  await check("PutObject", "PUT", `/${bucket}/big`, { status: 200 }, {}, body);
  await check("GetObject", "GET", `/${bucket}/big`, { status: 200, length: SIZE });
  await check("GetObject Range", "GET", `/${bucket}/big`, { status: 206, length: 2 * 1024 * 1024 }, { range: "bytes=1000-2098151" });
  await check("GetObject partNumber", "GET", `/${bucket}/big?partNumber=1`, { status: 206, length: SIZE });
  await check("HeadObject", "HEAD", `/${bucket}/big`, { status: 200, length: SIZE });
  await check("GetObject 304", "GET", `/${bucket}/big`, { status: 304 }, { "if-none-match": "*" });
  await check("GetObject NoSuchKey", "GET", `/${bucket}/missing`, { status: 404 });
  await check("HeadObject NoSuchKey", "HEAD", `/${bucket}/missing`, { status: 404 });
  await check("ListObjectsV2", "GET", `/${bucket}?list-type=2`, { status: 200 });
  return problems;
}
