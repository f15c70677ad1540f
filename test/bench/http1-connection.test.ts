// The lean client's connection against a raw TCP server that misbehaves on purpose: it must keep
// one socket alive, reconnect when the server closes, resend once on a stale socket, fail a cut
// response, honour an abort, and write requests larger than one socket write.
import { afterEach, expect, test } from "bun:test";
import type { Socket, TCPSocketListener } from "bun";
import { Http1Connection } from "../../scripts/bench/http1-connection.ts";

const OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
const request = (extra = "") => new TextEncoder().encode(`GET /x HTTP/1.1\r\nHost: h\r\n${extra}\r\n`);

interface Peer {
  received: number;
  requests: number;
}

let server: TCPSocketListener<Peer> | undefined;
afterEach(() => server?.stop(true));

/**
 * A server that answers each whole request (head, then Content-Length bytes) by `answer`, which
 * gets the connection's number and the request's number on it.
 */
function serve(answer: (connection: number, request: number, socket: Socket<Peer>) => void): { port: number; connections: () => number } {
  let connections = 0;
  const pending = new Map<Socket<Peer>, string>();
  const numbers = new Map<Socket<Peer>, number>();
  server = Bun.listen<Peer>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open(s) {
        numbers.set(s, connections++);
        s.data = { received: 0, requests: 0 };
      },
      data(s, bytes) {
        let buffered = (pending.get(s) ?? "") + bytes.toString("latin1");
        for (;;) {
          const end = buffered.indexOf("\r\n\r\n");
          if (end < 0) break;
          const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
          if (buffered.length < end + 4 + length) break;
          buffered = buffered.slice(end + 4 + length);
          answer(numbers.get(s)!, s.data.requests++, s);
        }
        pending.set(s, buffered);
      },
    },
  });
  return { port: server.port, connections: () => connections };
}

test("requests share one kept-alive connection", async () => {
  const { port, connections } = serve((_c, _r, s) => s.write(OK));
  const conn = new Http1Connection("127.0.0.1", port);
  for (let i = 0; i < 3; i++) expect((await conn.send(request(), false)).status).toBe(200);
  expect(connections()).toBe(1);
  conn.close();
});

test("after Connection: close the next request opens a new connection", async () => {
  const { port, connections } = serve((_c, _r, s) => {
    s.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    s.end();
  });
  const conn = new Http1Connection("127.0.0.1", port);
  for (let i = 0; i < 3; i++) expect(new TextDecoder().decode((await conn.send(request(), false)).body)).toBe("ok");
  expect(connections()).toBe(3);
});

test("a kept-alive socket the server drops without answering is replaced, and the request sent again", async () => {
  // Connection 0 answers its first request, then drops the second without a word.
  const { port, connections } = serve((c, r, s) => (c === 0 && r === 1 ? s.end() : s.write(OK)));
  const conn = new Http1Connection("127.0.0.1", port);
  expect((await conn.send(request(), false)).status).toBe(200);
  expect((await conn.send(request(), false)).status).toBe(200);
  expect(connections()).toBe(2);
  conn.close();
});

test("a response cut off by the server fails the request", async () => {
  const { port } = serve((_c, _r, s) => {
    s.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly some");
    s.end();
  });
  const conn = new Http1Connection("127.0.0.1", port);
  await expect(conn.send(request(), false)).rejects.toThrow("in the middle of a response");
});

test("an abort fails the request in flight", async () => {
  const { port } = serve(() => {}); // never answers
  const conn = new Http1Connection("127.0.0.1", port);
  const abort = new AbortController();
  const sent = conn.send(request(), false, abort.signal);
  setTimeout(() => abort.abort(new Error("phase time limit")), 20);
  await expect(sent).rejects.toThrow("phase time limit");
});

test("closing the connection fails the request in flight", async () => {
  const { port } = serve(() => {}); // never answers
  const conn = new Http1Connection("127.0.0.1", port);
  const sent = conn.send(request(), false);
  await Bun.sleep(20);
  conn.close();
  await expect(sent).rejects.toThrow("the client closed the connection");
});

test("a request larger than one socket write goes out whole", async () => {
  const size = 32 * 1024 * 1024;
  const { port } = serve((_c, _r, s) => s.write(OK));
  const conn = new Http1Connection("127.0.0.1", port);
  const head = request(`Content-Length: ${size}\r\n`);
  const big = new Uint8Array(head.length + size);
  big.set(head);
  expect((await conn.send(big, false)).status).toBe(200);
  conn.close();
});
