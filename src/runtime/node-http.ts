// Serving a fetch handler through node:http, which Bun implements natively. Under Bun this replaces Bun.serve,
// because Bun.serve drops the Content-Length a handler sets on a streamed body and sends it
// `Transfer-Encoding: chunked` instead (oven-sh/bun#10507, open in Bun 1.4.5): s3cmd then fails on a GetObject
// of more than one chunk and boto3's ContentLength is None. node:http sends the length the handler declares.
import * as http from "node:http";
import * as https from "node:https";
import { originForm, recordTarget, RequestBodyError } from "./request-target.ts";
import type { RunningServer, ServeOptions } from "./serve.ts";

/**
 * Bodies declared up to this size are read whole and sent in one write. A handler streams only bodies whose
 * length it declares (GetObject); those larger stream through, so memory never grows with an object's size.
 */
const WHOLE_BODY_BYTES = 1024 * 1024;

export async function serveNodeHttp(options: ServeOptions): Promise<RunningServer> {
  const scheme = options.tls ? "https" : "http";
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const request = requestOf(req, scheme);
    // Pipelined requests are handled one after the other: node:http parses the next request of a connection
    // while the one before is still running, and a GET pipelined after a PUT must see that PUT (RFC 9112 §9.3.2
    // allows parallel work only among safe methods; answers are sent in order either way).
    const before = inFlight.get(req.socket);
    const handled = (before ? before.then(() => answer(req, res, request, options.fetch)) : answer(req, res, request, options.fetch))
      .catch((err) => answerFailure(err, res, request, options.onError));
    const settled = handled.then(() => (res.writableFinished || res.destroyed ? undefined : finished(res)));
    inFlight.set(req.socket, settled);
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : http.createServer(onRequest);
  // A 5 GiB PUT may take long: no deadline for a whole request, only for headers and for silence.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.timeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        // close() waits for every connection; a keep-alive one is closed as soon as its request in flight ends.
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearInterval(idle);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/** Per connection, the request being handled (until its answer is out): the next one waits for it. */
const inFlight = new WeakMap<object, Promise<void>>();

const finished = (res: http.ServerResponse) => new Promise<void>((resolve) => res.once("close", resolve).once("finish", resolve));

/** fetch never throws (serve.ts guards it): what failed is taking or writing the answer's body. */
async function answerFailure(err: unknown, res: http.ServerResponse, request: Request, onError: ServeOptions["onError"]): Promise<void> {
  if (res.headersSent) {
    console.error("internal error while answering:", err);
    res.destroy();
    return;
  }
  const failed = onError(err, request);
  const headers: string[] = [];
  failed.headers.forEach((value, name) => headers.push(name, value));
  res.writeHead(failed.status, headers).end(new Uint8Array(await failed.arrayBuffer()));
}

async function answer(req: http.IncomingMessage, res: http.ServerResponse, request: Request, fetch: ServeOptions["fetch"]): Promise<void> {
  const response = await fetch(request);
  const headers: string[] = [];
  response.headers.forEach((value, name) => headers.push(name, value));
  if (!req.complete) headers.push(...unreadBody(req));
  if (req.method === "HEAD" || response.status === 204 || response.status === 304) {
    res.writeHead(response.status, headers).end();
    await response.body?.cancel();
    return;
  }
  // A body that says it is small, or says nothing (the handlers' XML and JSON documents, already in memory), is
  // taken whole: the cheapest way out, and node:http gives it its length.
  const declared = response.headers.get("content-length");
  if (declared === null || Number(declared) <= WHOLE_BODY_BYTES) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (declared === null) headers.push("content-length", String(bytes.length));
    res.writeHead(response.status, headers).end(bytes);
    return;
  }
  res.writeHead(response.status, headers);
  await stream(res, response.body!.getReader());
}

/** Sends a streamed body whose length the headers declare, as fast as the client takes it. */
async function stream(res: http.ServerResponse, reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  // The client went away: stop reading the body (the store's reader closes its files).
  res.once("close", () => {
    if (!res.writableFinished) reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await write(res, value);
    }
    res.end();
  } catch (err) {
    // Headers (and the length) are out: all a failing body can do now is cut the connection short.
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * The Web Request of a node:http request, its body streaming. Its url is parsed (normalised) by the platform, so
 * the target as sent is recorded beside it (request-target.ts): that is what paths and queries are read from.
 */
function requestOf(req: http.IncomingMessage, scheme: string): Request {
  const method = req.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? null : bodyOf(req);
  const init = { method, headers: req.headers as Record<string, string>, body, duplex: "half" } as RequestInit;
  const target = req.url ?? "/";
  const path = originForm(target);
  try {
    return recordTarget(new Request(`${scheme}://${req.headers.host ?? "localhost"}${path}`, init), target);
  } catch {
    // An unusable Host header: the handler still sees it (and refuses it) in the headers.
    return recordTarget(new Request(`${scheme}://localhost${path}`, init), target);
  }
}

/** The request's body as a stream that reads from the socket only as fast as the handler takes it. */
function bodyOf(req: http.IncomingMessage): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        req.on("data", (chunk: Buffer) => {
          if (cancelled) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => cancelled || controller.close());
        req.once("error", (err) => cancelled || controller.error(new RequestBodyError(err)));
      },
      pull() {
        req.resume();
      },
      cancel() {
        cancelled = true;
        req.resume(); // what is left is read and dropped (see unreadBody)
      },
    },
    { highWaterMark: 4 },
  );
}

/** How long a connection may go on sending a body nobody reads after it was answered (a refused upload). */
const UNREAD_BODY_GRACE_MS = 10_000;

/**
 * The handler answered before reading the whole body (an XML body over its cap, a refused upload): the answer
 * closes the connection (the header returned), and meanwhile read and drop what the client still sends, so that it gets to read
 * the answer instead of a reset, and a paused socket never keeps the server from stopping.
 */
function unreadBody(req: http.IncomingMessage): string[] {
  req.on("data", () => {});
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), UNREAD_BODY_GRACE_MS);
  timer.unref?.();
  req.socket.once("close", () => clearTimeout(timer));
  return ["connection", "close"];
}

/** Writes a piece, waiting while the socket's buffer is full (so a slow client never makes memory grow). */
function write(res: http.ServerResponse, piece: Uint8Array): Promise<void> | void {
  if (res.write(piece)) return;
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", closed);
      resolve();
    };
    const closed = () => {
      res.off("drain", done);
      reject(new Error("the client closed the connection"));
    };
    res.once("drain", done);
    res.once("close", closed);
  });
}
