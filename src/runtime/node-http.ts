// Serving a fetch handler through node:http, which Bun implements natively. Under Bun this replaces Bun.serve,
// because Bun.serve drops the Content-Length a handler sets on a streamed body and sends it
// `Transfer-Encoding: chunked` instead (oven-sh/bun#10507, open in Bun 1.4.5): s3cmd then fails on a GetObject
// of more than one chunk and boto3's ContentLength is None. node:http sends the length the handler declares.
import * as http from "node:http";
import * as https from "node:https";
import type * as net from "node:net";
import { type BodySource, openBodySource, streamSource } from "./body-source.ts";
import { originForm, recordTarget, RequestBodyError } from "./request-target.ts";
import type { RunningServer, ServeOptions } from "./serve.ts";

/** How long a connection may be silent, reading nothing and writing nothing, unless the options say otherwise. */
const IDLE_TIMEOUT_MS = 120_000;

/**
 * Bodies declared up to this size are read whole and sent in one write. A handler streams only bodies whose
 * length it declares (GetObject); those larger stream through, so memory never grows with an object's size.
 */
const WHOLE_BODY_BYTES = 1024 * 1024;

export async function serveNodeHttp(options: ServeOptions): Promise<RunningServer> {
  const scheme = options.tls ? "https" : "http";
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const connection = connectionOf(req.socket);
    connection.reading = req;
    const request = requestOf(req, scheme);
    // Pipelined requests are handled one after the other: node:http parses the next request of a connection
    // while the one before is still running, and a GET pipelined after a PUT must see that PUT (RFC 9112 §9.3.2
    // allows parallel work only among safe methods; answers are sent in order either way).
    const before = connection.last;
    const exchange: Exchange = { res, handled: undefined as unknown as Promise<void>, done: false };
    exchange.handled = before && !answered(before) ? answerOut(before).then(() => handle(exchange, req, request, options)) : handle(exchange, req, request, options);
    connection.last = exchange;
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : http.createServer(onRequest);
  server.on("clientError", (err: NodeJS.ErrnoException, socket: net.Socket) => answerUnparsable(err, socket, options.onBadRequest));
  // CONNECT asks for a tunnel, which no route serves: without a listener node:http destroys the socket at once,
  // answers owed to the requests before it on the connection included.
  server.on("connect", (_req: http.IncomingMessage, socket: net.Socket) => answerUnparsable(Object.assign(new Error("CONNECT"), { code: "CONNECT" }), socket, options.onBadRequest));
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // A 5 GiB PUT may take long: no deadline for a whole request, only for headers and for silence.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.timeout = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
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
        // a closing connection whose client reads slowly or never has had its answer: it does not hold the stop
        const idle = setInterval(() => {
          server.closeIdleConnections();
          for (const socket of sockets) if (lingering.has(socket)) socket.destroy();
        }, 50);
        server.close(() => {
          clearInterval(idle);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/**
 * Bytes node:http could not parse as a request. The answers owed to the requests before them on the connection go
 * out first (node:http's own answer would cut them off: it destroys the socket at once), then this one, then the
 * connection closes, lingering (see lingeringClose).
 */
function answerUnparsable(err: NodeJS.ErrnoException, socket: net.Socket, onBadRequest: ServeOptions["onBadRequest"]): void {
  if (err.code === "ECONNRESET" || socket.destroyed) {
    socket.destroy();
    return;
  }
  const req = connections.get(socket)?.reading;
  if (req && !req.complete) {
    // The bad bytes are in that request's body (a broken chunk): its handler answers (IncompleteBody).
    brokenBodies.add(req);
    // the handler's body stream fails, and whoever waits for the rest of the body (dropUnreadBody) waits no more
    if (req.listenerCount("error") > 0) req.emit("error", new Error(`malformed body framing (${err.code ?? err.message})`));
    return;
  }
  socket.pause(); // nothing after the bad bytes is a request: read no more of them until the answer is out
  const last = connections.get(socket)?.last;
  (last ? answerOut(last) : Promise.resolve()).then(async () => {
    if (!socket.writable) return void socket.destroy();
    const response = onBadRequest?.(err.code === "HPE_HEADER_OVERFLOW") ?? new Response(null, { status: 400 });
    const body = new Uint8Array(await response.arrayBuffer());
    const head = [`HTTP/1.1 ${response.status} ${http.STATUS_CODES[response.status] ?? ""}`, `date: ${new Date().toUTCString()}`];
    response.headers.forEach((value, name) => name !== "content-length" && name !== "connection" && head.push(`${name}: ${value}`));
    head.push(`content-length: ${body.length}`, "connection: close");
    socket.write(`${head.join("\r\n")}\r\n\r\n`);
    socket.write(body);
    lingeringClose(socket);
  });
}

/** Connections closing (see lingeringClose): a server that stops does not wait for them. */
const lingering = new WeakSet<net.Socket>();

/** How long a closing connection goes on reading (and dropping) what its client still sends. */
const LINGER_MS = 2_000;

/**
 * Half-closes the connection, then reads and drops what the client still sends for a while: a socket closed with
 * unread bytes makes the kernel send a reset, and the client's TCP stack may then drop the answer before the
 * client read it (RFC 9112 §9.6, "lingering close").
 */
function lingeringClose(socket: net.Socket): void {
  lingering.add(socket);
  socket.end();
  socket.on("data", () => {});
  socket.resume();
  // counted from when the answer is all out (a slow reader keeps it until then, up to the server's idle timeout)
  socket.once("finish", () => {
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref?.();
    socket.once("close", () => clearTimeout(timer));
  });
}

/** A request and its answer on a connection. */
interface Exchange {
  res: http.ServerResponse;
  /** settles when the handler's answer (or the failure's) has been handed to node:http */
  handled: Promise<void>;
  done: boolean;
}

interface Connection {
  /** the request whose body is being read (the last one parsed) */
  reading?: http.IncomingMessage;
  /** the last request handled: the next one waits until its answer is out */
  last?: Exchange;
}

const connections = new WeakMap<object, Connection>();

function connectionOf(socket: object): Connection {
  let connection = connections.get(socket);
  if (!connection) connections.set(socket, (connection = {}));
  return connection;
}

/** Requests whose body framing broke: no more of their body comes. */
const brokenBodies = new WeakSet<http.IncomingMessage>();

const isOut = (res: http.ServerResponse) => res.writableFinished || res.destroyed;
/** Whether the exchange's answer is all out, as it is by the time a client that waited for it sends the next request. */
const answered = (exchange: Exchange) => exchange.done && isOut(exchange.res);
/**
 * Settles once the exchange's answer is all out. Made only for a request that arrives before that (pipelined):
 * waiting on every answer's finish cost each small request listeners and promises of its own.
 */
const answerOut = (exchange: Exchange) =>
  exchange.handled.then(() => (isOut(exchange.res) ? undefined : new Promise<void>((resolve) => exchange.res.once("close", resolve).once("finish", resolve))));

/** Answers a request: the handler's answer, or the failure's. */
async function handle(exchange: Exchange, req: http.IncomingMessage, request: Request, options: ServeOptions): Promise<void> {
  try {
    await answer(req, exchange.res, request, options.fetch, options.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
  } catch (err) {
    await answerFailure(err, exchange.res, request, options.onError);
  } finally {
    exchange.done = true;
  }
}

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

async function answer(req: http.IncomingMessage, res: http.ServerResponse, request: Request, fetch: ServeOptions["fetch"], timeout: number): Promise<void> {
  const response = await fetch(request);
  // Bun's own copy of the headers into a record (Set-Cookie as a list): cheaper than visiting them one by one.
  const headers = (response.headers as Headers & { toJSON(): Record<string, string | string[]> }).toJSON();
  // Answered before the whole body came (a refused upload): the connection closes after it, once the rest is read.
  const unread = req.complete ? undefined : dropUnreadBody(req);
  if (unread) headers.connection = "close";
  if (req.method === "HEAD" || response.status === 204 || response.status === 304) {
    res.writeHead(response.status, headers);
    if (response.body) await response.body.cancel();
    return end(res, unread);
  }
  // A body that says it is small, or says nothing (the handlers' XML and JSON documents, already in memory), is
  // taken whole: the cheapest way out, and node:http gives it its length.
  const declared = headers["content-length"];
  if (declared === undefined || Number(declared) <= WHOLE_BODY_BYTES) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (declared === undefined) headers["content-length"] = String(bytes.length);
    res.writeHead(response.status, headers);
    return end(res, unread, bytes);
  }
  await stream(res, response.status, headers, openBodySource(response) ?? streamSource(response.body!), unread, timeout);
}

/**
 * Ends the answer (after `last`). With the request body unread, the connection closes, but only once the rest of
 * the body is in, and lingering: node:http (Bun) ends and destroys a `connection: close` socket as soon as its
 * answer ends, and a socket closed while bytes still arrive makes the kernel send a reset, which can take the
 * answer with it before the client read it (RFC 9112 §9.6): a client uploading into a missing bucket would see
 * "connection reset" instead of NoSuchBucket.
 */
function end(res: http.ServerResponse, unread: Promise<void> | undefined, last?: Uint8Array): Promise<void> | void {
  if (!unread) {
    res.end(last);
    return;
  }
  return endAfter(res, unread, last);
}

async function endAfter(res: http.ServerResponse, unread: Promise<void>, last?: Uint8Array): Promise<void> {
  // Taken now: node:http drops res.socket once the connection is gone, and a client may hang up meanwhile.
  const socket = res.socket;
  if (last?.length) res.write(last);
  else res.flushHeaders(); // a bodiless answer (a redirect, a HEAD's) would otherwise wait for end() to go out
  await unread;
  if (socket && !socket.destroyed) lingeringClose(socket);
}

/**
 * Sends a streamed body whose length the headers declare, as fast as the client takes it. Each piece is asked for
 * only once the one before has been written: Bun's res.write has taken a piece's bytes when it returns, copying
 * what the socket does not take at once (test/runtime/body-source.test.ts), so the source may reuse its buffer.
 */
async function stream(res: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders, source: BodySource, unread: Promise<void> | undefined, timeout: number): Promise<void> {
  // The client went away: stop reading the body (the store's reader gives its buffer back).
  res.once("close", () => {
    if (!res.writableFinished) source.close();
  });
  let piece: Uint8Array | undefined;
  try {
    // Read before the head goes out: a body that fails at once (a damaged first chunk) still gets an error answer.
    piece = await source.next();
  } catch (err) {
    source.close();
    throw err;
  }
  res.writeHead(status, headers);
  try {
    for (; piece; piece = await source.next()) {
      // Bun's node:http counts a socket's idle time from its last read only, not from its writes: without this, a
      // GET that takes longer than the idle timeout to reach a slow reader is cut off mid-body
      // (test/runtime/idle-timeout.test.ts). Each piece written re-arms the timer, as Node's own writes do.
      res.socket?.setTimeout(timeout);
      await write(res, piece);
    }
    await end(res, unread);
  } catch (err) {
    // Headers (and the length) are out: all a failing body can do now is cut the connection short.
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  } finally {
    source.close();
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
        req.resume(); // what is left is read and dropped (see dropUnreadBody)
      },
    },
    { highWaterMark: 4 },
  );
}

/** How long a connection may go on sending a body nobody reads after it was answered (a refused upload). */
const UNREAD_BODY_GRACE_MS = 10_000;

/**
 * The handler answered before reading the whole body (an XML body over its cap, a refused upload): the rest is
 * read and dropped (no longer fed to the handler's stream), so that the client gets to read the answer instead of
 * a reset, and a paused socket never keeps the server from stopping. Resolves when the body has ended, or after
 * the grace period for a client that goes on and on.
 */
function dropUnreadBody(req: http.IncomingMessage): Promise<void> {
  // no more of it comes: its framing broke, or the client hung up before the answer
  if (brokenBodies.has(req) || req.socket.destroyed) return Promise.resolve();
  req.removeAllListeners("data");
  req.on("data", () => {});
  req.resume();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, UNREAD_BODY_GRACE_MS);
    timer.unref?.();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    req.once("end", done);
    req.once("error", done);
    req.socket.once("close", done);
  });
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
