// Response bodies the HTTP server pulls piece by piece from their source instead of through a ReadableStream, so
// that the source may reuse one buffer for every piece: a large GET then reads its chunks into the same memory
// instead of a fresh buffer per chunk (docs/benchmarks.md, "Large GET").

/** The pieces of a response body, in order. */
export interface BodySource {
  /**
   * The next piece; undefined at the end or once closed. A piece stays valid only until the next call or close():
   * the consumer must be done with its bytes (e.g. the socket has taken them) before asking for more.
   */
  next(): Promise<Uint8Array | undefined>;
  /** Stops reading and lets go of the source's buffers; called once the body is out or abandoned (idempotent). */
  close(): void;
}

const sources = new WeakMap<Response, () => BodySource>();

/**
 * A response whose body a server that knows body sources (node-http.ts) pulls from `open()`, and any other
 * consumer (Deno.serve, a test reading the body) reads from `fallback`, whose pieces it may keep. Only one of the
 * two is ever read.
 */
export function sourcedResponse(open: () => BodySource, fallback: ReadableStream<Uint8Array>, init: ResponseInit): Response {
  const response = new Response(fallback, init);
  sources.set(response, open);
  return response;
}

/** The body source of a response made by sourcedResponse, opened; undefined for any other response. */
export function openBodySource(response: Response): BodySource | undefined {
  return sources.get(response)?.();
}

/** A stream as a body source; its pieces are the stream's own, so they stay valid. */
export function streamSource(body: ReadableStream<Uint8Array>): BodySource {
  const reader = body.getReader();
  let closed = false;
  return {
    next: async () => {
      if (closed) return undefined;
      const { done, value } = await reader.read();
      return done ? undefined : value;
    },
    close: () => {
      if (closed) return;
      closed = true;
      reader.cancel().catch(() => {});
    },
  };
}
