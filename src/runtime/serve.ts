// The only module that touches runtime globals: serving HTTP under Bun or Deno.
import { serveNodeHttp } from "./node-http.ts";

export interface ServeOptions {
  port: number;
  hostname: string;
  fetch: (req: Request) => Response | Promise<Response>;
  /** The answer when `fetch` throws: whatever happens, never the runtime's own error page (source lines, stack). */
  onError: (err: unknown, req: Request) => Response;
  /**
   * The answer to bytes that are no HTTP/1.1 request (bad framing, a bad method or version; `tooLarge`: a head over
   * the parser's limit), which never reach `fetch`. Absent: a bare 400. Under Deno, Deno.serve answers those itself.
   */
  onBadRequest?: (tooLarge: boolean) => Response;
  tls?: { cert: string; key: string };
  /** How long a connection may go without a byte read or written before it is closed (default 120 s). */
  idleTimeoutMs?: number;
}

export interface RunningServer {
  port: number;
  /** Stops accepting connections and waits for requests in flight. */
  stop(): Promise<void>;
}

declare const Bun: any;
declare const Deno: any;

/**
 * Under Bun through node:http (Bun.serve sends a streamed body chunked even when its length is known: see
 * node-http.ts); under Deno through Deno.serve, which keeps the length. Both add a Date header to every answer.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  options = { ...options, fetch: guarded(options) };
  if (typeof Bun !== "undefined") return serveNodeHttp(options);
  if (typeof Deno !== "undefined") {
    const server = Deno.serve({
      port: options.port,
      hostname: options.hostname,
      cert: options.tls?.cert,
      key: options.tls?.key,
      onListen: () => {},
      onError: (err: unknown) => options.onError(err, new Request("http://localhost/")),
    }, options.fetch);
    return { port: server.addr.port, stop: () => server.shutdown() };
  }
  throw new Error("Strata runs under Bun or Deno");
}

/** The handler, its every failure answered by onError. */
function guarded(options: ServeOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      return await options.fetch(req);
    } catch (err) {
      return options.onError(err, req);
    }
  };
}
