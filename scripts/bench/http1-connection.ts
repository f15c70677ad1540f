// One persistent HTTP/1.1 connection of the lean client: a request goes out as one buffer the
// caller assembled, its response is read by Http1ResponseReader, and only one request is in
// flight at a time (no pipelining). The socket opens on first use and again after the server
// closed it; a request that met a stale keep-alive socket (closed before a byte of the answer
// came) is sent once more on a fresh one, as browsers and undici do.
//
// Bun.connect rather than node:net: it has no stream machinery between the socket and the
// callbacks, and measured cheaper per request (see the load generator's clientCpuUsPerOp).
import type { Socket } from "bun";
import { ClosedMidResponse, Http1ResponseReader, type Http1Response } from "./http1-response.ts";

interface Waiter {
  resolve(r: Http1Response): void;
  reject(e: unknown): void;
}

export class Http1Connection {
  private socket?: Socket;
  private readonly reader = new Http1ResponseReader();
  private waiter?: Waiter;
  private unsent?: Uint8Array; // the part of the request the socket has not taken yet
  private watched?: AbortSignal;

  constructor(
    private readonly hostname: string,
    private readonly port: number,
  ) {}

  /** Sends `request` (a whole HTTP/1.1 request) and resolves with the response. */
  async send(request: Uint8Array, head: boolean, signal?: AbortSignal): Promise<Http1Response> {
    const reused = this.socket !== undefined;
    try {
      return await this.exchange(request, head, signal);
    } catch (e) {
      if (!(reused && e instanceof ClosedMidResponse && e.beforeAnswer) || signal?.aborted) throw e;
      return this.exchange(request, head, signal);
    }
  }

  /** Closes the socket; a request in flight fails. */
  close(): void {
    this.fail(this.socket, new Error("the client closed the connection"));
  }

  private async exchange(request: Uint8Array, head: boolean, signal?: AbortSignal): Promise<Http1Response> {
    if (this.waiter) throw new Error("Http1Connection: one request at a time");
    const socket = this.socket ?? (await this.connect());
    signal?.throwIfAborted();
    this.watch(signal);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.reader.expect(head);
      this.write(socket, request);
    });
  }

  private async connect(): Promise<Socket> {
    const socket = await Bun.connect({
      hostname: this.hostname,
      port: this.port,
      socket: {
        data: (s, bytes) => this.onData(s, bytes),
        drain: (s) => {
          const rest = this.unsent;
          this.unsent = undefined;
          if (rest) this.write(s, rest);
        },
        close: (s, error) => this.onClose(s, error),
        error: (s, error) => this.onClose(s, error),
      },
    });
    this.socket = socket;
    return socket;
  }

  private write(socket: Socket, bytes: Uint8Array): void {
    const n = socket.write(bytes);
    if (n < bytes.length) this.unsent = bytes.subarray(Math.max(n, 0));
  }

  // Listening once per signal (a phase's), not once per request, keeps requests cheap.
  private watch(signal: AbortSignal | undefined): void {
    if (!signal || signal === this.watched) return;
    this.watched = signal;
    signal.addEventListener("abort", () => this.fail(this.socket, signal.reason), { once: true });
  }

  private onData(socket: Socket, bytes: Uint8Array): void {
    if (socket !== this.socket) return;
    if (!this.waiter) return this.fail(socket, new Error("the server sent bytes with no request in flight"));
    let response: Http1Response | undefined;
    try {
      response = this.reader.feed(bytes);
    } catch (e) {
      return this.fail(socket, e);
    }
    if (!response) return;
    if (!response.keepAlive) this.drop(socket);
    this.settle().resolve(response);
  }

  private onClose(socket: Socket, error?: Error): void {
    if (socket !== this.socket) return;
    let response: Http1Response | undefined;
    let failure: unknown;
    try {
      response = this.reader.close(); // first: drop() forgets the partial response
    } catch (e) {
      // A close before any answer stays retryable in send(), whatever error the socket gave.
      failure = e instanceof ClosedMidResponse && e.beforeAnswer ? e : (error ?? e);
    }
    this.drop(socket);
    if (!this.waiter) return;
    if (response) this.settle().resolve(response);
    else this.settle().reject(failure ?? error ?? new Error("connection closed"));
  }

  /** Gives up on the socket (the request in flight, if any, fails with `why`). */
  private fail(socket: Socket | undefined, why: unknown): void {
    if (socket && socket === this.socket) this.drop(socket);
    this.waiter && this.settle().reject(why);
  }

  private drop(socket: Socket): void {
    if (socket === this.socket) this.socket = undefined;
    this.unsent = undefined;
    this.reader.reset();
    socket.terminate();
  }

  private settle(): Waiter {
    const waiter = this.waiter!;
    this.waiter = undefined;
    return waiter;
  }
}
