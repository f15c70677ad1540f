// Bodies pulled from a source that reuses one buffer (runtime/body-source.ts) through the node:http server: every
// byte arrives as it was when handed over, a client that reads slowly holds the source back (memory does not grow
// with the body), and a client that hangs up stops the reading.
import { afterEach, expect, test } from "bun:test";
import * as net from "node:net";
import { type BodySource, sourcedResponse } from "../../src/runtime/body-source.ts";
import { type RunningServer, serve } from "../../src/runtime/serve.ts";

const PIECE = 1024 * 1024;
const PIECES = 32;

/** A body of PIECES pieces, all views of one buffer that each next() overwrites with the piece's number. */
function reusingSource() {
  const buffer = new Uint8Array(PIECE);
  const state = { asked: 0, closed: false };
  const source: BodySource = {
    next: async () => {
      if (state.closed || state.asked === PIECES) return undefined;
      buffer.fill(state.asked++);
      return buffer;
    },
    close: () => {
      state.closed = true;
    },
  };
  return { source, state };
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serveSource(source: BodySource): Promise<number> {
  const fallback = new ReadableStream<Uint8Array>({ pull: () => Promise.reject(new Error("the fallback stream was read")) });
  server = await serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () => sourcedResponse(() => source, fallback, { headers: { "content-length": String(PIECE * PIECES) } }),
    onError: (err) => new Response(String(err), { status: 500 }),
  });
  return server.port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a body whose source reuses one buffer arrives intact through a client that reads slowly, which holds the source back", async () => {
  const { source, state } = reusingSource();
  const port = await serveSource(source);
  const socket = net.connect(port, "127.0.0.1");
  socket.pause();
  socket.write("GET /x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
  await sleep(1000); // not a byte read: the socket's buffers fill up, then the server must stop asking
  const askedWhileStalled = state.asked;
  expect(askedWhileStalled).toBeLessThan(PIECES / 2);
  const parts: Buffer[] = [];
  socket.on("data", (d: Buffer) => {
    parts.push(d);
    socket.pause();
    setTimeout(() => socket.resume(), 1); // slowly, in small bites
  });
  socket.resume();
  await new Promise((resolve) => socket.once("close", resolve));
  const all = Buffer.concat(parts);
  const body = all.subarray(all.indexOf("\r\n\r\n") + 4);
  expect(all.subarray(0, 15).toString()).toBe("HTTP/1.1 200 OK");
  expect(body.length).toBe(PIECE * PIECES);
  for (let i = 0; i < PIECES; i++) {
    const piece = body.subarray(i * PIECE, (i + 1) * PIECE);
    expect(piece.every((b) => b === i), `piece ${i}`).toBe(true);
  }
  expect(state.closed).toBe(true);
});

test("a client that hangs up mid-body stops the reading and closes the source", async () => {
  const { source, state } = reusingSource();
  const port = await serveSource(source);
  const socket = net.connect(port, "127.0.0.1");
  socket.write("GET /x HTTP/1.1\r\nhost: x\r\n\r\n");
  let received = 0;
  await new Promise<void>((resolve) =>
    socket.on("data", (d: Buffer) => {
      received += d.length;
      if (received > 2 * PIECE) {
        socket.destroy();
        resolve();
      }
    }),
  );
  for (let i = 0; i < 100 && !state.closed; i++) await sleep(20);
  expect(state.closed).toBe(true);
  const asked = state.asked;
  expect(asked).toBeLessThan(PIECES);
  await sleep(200);
  expect(state.asked).toBe(asked);
});
