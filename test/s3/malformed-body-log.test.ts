// A request whose body breaks off (malformed chunked framing, a client hanging up) is the client's fault: the
// request log line says 400 and nothing is logged as an internal error (no stack dump).
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
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
