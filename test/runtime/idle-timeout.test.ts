// The idle timeout of the node:http server (runtime/node-http.ts): a connection that is silent for that long is
// closed, but a large streamed answer that a slow reader keeps taking is not silent, however long it lasts. Under
// Bun, a socket's idle timer is re-armed by reads only, so a GET that outlasted it was cut off mid-body (found by
// reading a 60 MB object at 300 KB/s: 39 MB came, then the connection closed at the 120 s default).
import { afterEach, expect, test } from "bun:test";
import * as net from "node:net";
import { type BodySource, sourcedResponse } from "../../src/runtime/body-source.ts";
import { type RunningServer, serve } from "../../src/runtime/serve.ts";

const IDLE_MS = 1500;
const PIECE = 64 * 1024;
const PIECES = 320; // 20 MiB: far more than the socket buffers hold, so the reader's pace sets the answer's

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(): Promise<number> {
  const piece = new Uint8Array(PIECE).fill(7);
  server = await serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeoutMs: IDLE_MS,
    fetch: () => {
      let sent = 0;
      const source: BodySource = { next: async () => (sent++ < PIECES ? piece : undefined), close: () => {} };
      const fallback = new ReadableStream<Uint8Array>({ pull: () => Promise.reject(new Error("the fallback stream was read")) });
      return sourcedResponse(() => source, fallback, { headers: { "content-length": String(PIECE * PIECES) } });
    },
    onError: (err) => new Response(String(err), { status: 500 }),
  });
  return server.port;
}

test("a streamed answer read slowly for several idle timeouts arrives whole", async () => {
  const port = await start();
  const socket = net.connect(port, "127.0.0.1");
  socket.write("GET /x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
  let received = 0;
  let closedAt = -1;
  socket.on("data", (d: Buffer) => {
    received += d.length;
    // ~4 MiB/s: the 20 MiB answer takes about 5 s, three idle timeouts (what the server's buffers still hold once
    // the last piece is written drains in well under one)
    socket.pause();
    setTimeout(() => socket.resume(), (d.length / (4 * 1024 * 1024)) * 1000);
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => ((closedAt = received), resolve())));
  socket.on("error", () => {});
  const started = performance.now();
  await closed;
  expect(performance.now() - started).toBeGreaterThan(IDLE_MS * 2); // it really outlasted the timeout
  expect(closedAt).toBeGreaterThan(PIECE * PIECES); // the head and every byte of the body
}, 60_000);

test("a connection silent for the idle timeout is closed", async () => {
  const port = await start();
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  const started = performance.now();
  await new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const took = performance.now() - started;
  expect(took).toBeGreaterThan(IDLE_MS * 0.8);
  expect(took).toBeLessThan(IDLE_MS * 10);
});
