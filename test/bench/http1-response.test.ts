// The lean client's response reader: framing by Content-Length, chunked and close, responses
// without a body, and bytes arriving in any split.
import { expect, test } from "bun:test";
import { ClosedMidResponse, Http1ProtocolError, Http1ResponseReader, type Http1Response } from "../../scripts/bench/http1-response.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (r: Http1Response | undefined) => new TextDecoder().decode(r?.body);

/** Feeds `wire` in pieces of `step` bytes and returns the response and how many bytes were fed. */
function read(wire: string, opts: { head?: boolean; step?: number } = {}): { response?: Http1Response; fed: number } {
  const reader = new Http1ResponseReader();
  reader.expect(opts.head ?? false);
  const all = bytes(wire);
  const step = opts.step ?? all.length;
  for (let at = 0; at < all.length; at += step) {
    const response = reader.feed(all.subarray(at, at + step));
    if (response) return { response, fed: Math.min(at + step, all.length) };
  }
  return { fed: all.length };
}

const fixed = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world";
const chunked = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";

test("a Content-Length body, whole or split at every byte", () => {
  for (const step of [1, 2, 7, 1000]) {
    const { response, fed } = read(fixed, { step });
    expect({ step, status: response?.status, length: response?.contentLength, body: text(response), keepAlive: response?.keepAlive }).toEqual({
      step,
      status: 200,
      length: 11,
      body: "hello world",
      keepAlive: true,
    });
    expect(fed).toBe(fixed.length);
  }
});

test("a chunked body with extensions and trailers, split at every byte", () => {
  for (const step of [1, 3, 1000]) {
    const { response, fed } = read(chunked, { step });
    expect({ step, body: text(response), keepAlive: response?.keepAlive }).toEqual({ step, body: "hello world", keepAlive: true });
    expect(fed).toBe(chunked.length);
  }
});

test("HEAD, 204 and 304 answers end with their head", () => {
  const head = read("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n", { head: true }).response;
  expect({ status: head?.status, length: head?.contentLength, body: head?.body.length }).toEqual({ status: 200, length: 4096, body: 0 });
  for (const status of [204, 304]) {
    expect(read(`HTTP/1.1 ${status} X\r\nContent-Length: 5\r\n\r\n`).response?.status).toBe(status);
  }
});

test("an interim 100 answer is skipped", () => {
  const { response } = read(`HTTP/1.1 100 Continue\r\n\r\n${fixed}`, { step: 5 });
  expect({ status: response?.status, body: text(response) }).toEqual({ status: 200, body: "hello world" });
});

test("without framing the body runs until the connection closes", () => {
  const reader = new Http1ResponseReader();
  reader.expect(false);
  expect(reader.feed(bytes("HTTP/1.1 200 OK\r\n\r\nsome"))).toBeUndefined();
  expect(reader.feed(bytes(" bytes"))).toBeUndefined();
  const response = reader.close();
  expect({ body: text(response), keepAlive: response?.keepAlive }).toEqual({ body: "some bytes", keepAlive: false });
});

test("Connection: close and HTTP/1.0 end the connection; HTTP/1.0 keep-alive does not", () => {
  expect(read("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n").response?.keepAlive).toBe(false);
  expect(read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").response?.keepAlive).toBe(false);
  expect(read("HTTP/1.0 200 OK\r\nconnection: keep-alive\r\nContent-Length: 0\r\n\r\n").response?.keepAlive).toBe(true);
});

test("a header whose name only ends like a framing header is not one", () => {
  const { response } = read("HTTP/1.1 200 OK\r\nX-Content-Length: 99\r\nContent-Length: 2\r\n\r\nok");
  expect({ length: response?.contentLength, body: text(response) }).toEqual({ length: 2, body: "ok" });
});

test("a close before or during a response says which", () => {
  const reader = new Http1ResponseReader();
  reader.expect(false);
  expect(() => reader.close()).toThrow(new ClosedMidResponse(true));
  reader.expect(false);
  reader.feed(bytes(fixed.slice(0, 40)));
  expect(() => reader.close()).toThrow(new ClosedMidResponse(false));
  expect(reader.busy).toBe(false);
});

test("malformed answers are errors", () => {
  const bad = ["HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"];
  for (const wire of bad) expect(() => read(wire)).toThrow(Http1ProtocolError);
  expect(() => read(`${fixed}HTTP/1.1`)).toThrow("bytes past the end");
});
