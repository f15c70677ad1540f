// A request whose body breaks off (malformed chunked framing, a client hanging up) is the client's fault: the
// request log line says 400 (IncompleteBody, as AWS answers a body shorter than declared:
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html) and nothing is logged as an internal error (no
// stack dump). A hang-up mid-body, by FIN or by RST (ECONNRESET), logs exactly one line, on S3 and the admin API.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as net from "node:net";
import { defaultConfig } from "../../src/config.ts";
import { startServer, type StrataServer } from "../../src/server.ts";
import { tempDir } from "../helpers/server.ts";
import { exchange, rawCall } from "../helpers/raw-socket.ts";

let server: StrataServer;
let dir: string;
const lines: string[] = [];

beforeAll(async () => {
  dir = tempDir();
  server = await startServer({ ...defaultConfig(), port: 0, bind: "127.0.0.1", dataDir: dir }, { log: (line) => lines.push(line) });
  await rawCall(server.port, "PUT /bodies HTTP/1.1\r\nHost: 127.0.0.1");
  await rawCall(server.port, "PUT /hangups HTTP/1.1\r\nHost: 127.0.0.1");
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("malformed chunked framing is logged with status 400, not 500, and without an internal error", async () => {
  const errors: unknown[][] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    const head = "PUT /bodies/broken HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    await exchange(server.port, `${head}zz\r\nhello\r\n0\r\n\r\n`, 3000);
    await Bun.sleep(50);
  } finally {
    console.error = error;
  }
  const line = lines.map((l) => JSON.parse(l)).find((r) => r.key === "broken");
  expect(line?.status).toBe(400);
  expect(errors.filter((args) => String(args[0]).includes("internal error"))).toEqual([]);
  expect((await rawCall(server.port, "GET /bodies/broken HTTP/1.1\r\nHost: 127.0.0.1")).status).toBe(404);
});

/** Sends a request head and part of its body, then hangs up: `reset` with an RST (the server reads ECONNRESET), else a FIN. */
async function hangUp(head: string, partialBody: string, reset: boolean): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(server.port, "127.0.0.1", () => {
      socket.write(head + partialBody);
      setTimeout(() => {
        if (reset) socket.resetAndDestroy();
        else socket.destroy();
        resolve();
      }, 150);
    });
    socket.on("error", reject);
  });
}

/** What the server logs while `run` runs (and shortly after): request lines and console.error calls. */
async function logged(run: () => Promise<void>): Promise<{ lines: Array<Record<string, unknown>>; errors: unknown[][] }> {
  const errors: unknown[][] = [];
  const error = console.error;
  const before = lines.length;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    await run();
    for (let waited = 0; lines.length === before && waited < 3000; waited += 20) await Bun.sleep(20);
    await Bun.sleep(100); // a second line would come now
  } finally {
    console.error = error;
  }
  return { lines: lines.slice(before).map((l) => JSON.parse(l)), errors };
}

const BIG = 3 * 1024 * 1024; // streamed into chunks as it comes, not read whole first
const HANG_UPS: Array<[string, string, string, string]> = [
  ["PutObject, small body", "PutObject", "PUT /hangups/small HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n", "x".repeat(100)],
  ["PutObject, large streamed body", "PutObject", `PUT /hangups/large HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${4 * BIG}\r\n\r\n`, "x".repeat(BIG)],
  ["PutObject, chunked body", "PutObject", "PUT /hangups/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n", "x".repeat(100)],
  ["DeleteObjects, XML body", "DeleteObjects", "POST /hangups?delete HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000\r\n\r\n", "<Delete><Object><Key>"],
  ["admin upload", "Admin object/content", `PUT /_strata/object/content?ref=hangups&key=a HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${4 * BIG}\r\n\r\n`, "x".repeat(BIG)],
  ["admin JSON body", "Admin repos", "POST /_strata/repos HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n", '{"name": "'],
];

for (const reset of [true, false]) {
  for (const [name, op, head, partial] of HANG_UPS) {
    test(`a client hanging up mid-body (${reset ? "RST, ECONNRESET" : "FIN"}; ${name}) logs one line with 400 and no internal error`, async () => {
      const { lines: seen, errors } = await logged(() => hangUp(head, partial, reset));
      expect(seen.map((l) => [l.op, l.status])).toEqual([[op, 400]]);
      expect(errors).toEqual([]);
      // Nothing of it was stored, and the server goes on answering.
      expect((await rawCall(server.port, "GET /hangups?list-type=2 HTTP/1.1\r\nHost: 127.0.0.1")).body).not.toContain("<Key>");
    });
  }
}
