// A pass-through stream that hashes what flows through it with several algorithms at once and
// hands over the digests (and the byte count) when the stream ends. Bytes pass unchanged and
// unbuffered, so memory does not grow with the body.
import { createHasher, type DigestAlgorithm } from "./hashing.ts";

export interface DigestResult<A extends DigestAlgorithm> {
  digests: Record<A, Uint8Array>;
  length: number;
}

export interface DigestStream<A extends DigestAlgorithm> extends TransformStream<Uint8Array, Uint8Array> {
  /** Resolves when the writable side closes; rejects if the stream errors or is cancelled. */
  readonly result: Promise<DigestResult<A>>;
}

export function createDigestStream<A extends DigestAlgorithm>(algorithms: readonly A[]): DigestStream<A> {
  const hashers = algorithms.map((alg) => [alg, createHasher(alg)] as const);
  let length = 0;
  let settle!: { resolve(r: DigestResult<A>): void; reject(e: unknown): void };
  const result = new Promise<DigestResult<A>>((resolve, reject) => (settle = { resolve, reject }));
  result.catch(() => {}); // a reader may never ask for the result; a failure still reaches the stream's own consumers
  // `cancel` is in the Streams standard and in Bun and Deno, but not yet in TypeScript's DOM types.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel(reason: unknown): void } = {
    transform(chunk, controller) {
      for (const [, h] of hashers) h.update(chunk);
      length += chunk.length;
      controller.enqueue(chunk);
    },
    flush() {
      const digests = Object.fromEntries(hashers.map(([alg, h]) => [alg, h.digest()])) as Record<A, Uint8Array>;
      settle.resolve({ digests, length });
    },
    // Called on abort of the writable side and on cancel of the readable side alike.
    cancel(reason) {
      settle.reject(reason);
    },
  };
  const stream = new TransformStream<Uint8Array, Uint8Array>(transformer);
  return Object.assign(stream, { result });
}
