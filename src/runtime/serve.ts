// The only module that touches runtime globals: serving HTTP under Bun or Deno.

export interface ServeOptions {
  port: number;
  hostname: string;
  fetch: (req: Request) => Response | Promise<Response>;
  tls?: { cert: string; key: string };
}

export interface RunningServer {
  port: number;
  /** Stops accepting connections and waits for requests in flight. */
  stop(): Promise<void>;
}

declare const Bun: any;
declare const Deno: any;

export function serve(options: ServeOptions): RunningServer {
  if (typeof Bun !== "undefined") {
    const server = Bun.serve({
      port: options.port,
      hostname: options.hostname,
      fetch: options.fetch,
      tls: options.tls,
      // Objects stream through; S3 allows 5 GiB in one PUT (plus aws-chunked framing).
      maxRequestBodySize: 6 * 1024 ** 3,
      idleTimeout: 120,
    });
    return { port: server.port, stop: () => server.stop(false) };
  }
  if (typeof Deno !== "undefined") {
    const server = Deno.serve({
      port: options.port,
      hostname: options.hostname,
      cert: options.tls?.cert,
      key: options.tls?.key,
      onListen: () => {},
    }, options.fetch);
    return { port: server.addr.port, stop: () => server.shutdown() };
  }
  throw new Error("Strata runs under Bun or Deno");
}
