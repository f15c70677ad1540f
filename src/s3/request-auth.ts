// Authenticates each request and swaps its body for the verified payload (signatures, checksums, framing).
import { authenticate } from "./auth/authenticate.ts";
import type { AuthResult, CredentialCheck } from "./auth/types.ts";
import type { S3Request } from "./context.ts";
import { decodePayload, decodeWholePayload } from "./payload/decode-payload.ts";

/** Whose credentials verify (see CredentialCheck): tokens with auth on, any key pair with auth off. */
export type RequestAuthOptions = CredentialCheck;

const WITH_BODY = new Set(["PUT", "POST"]);

/**
 * Bodies up to this many bytes on the wire are read at once and checked as a whole: a stream per small PUT
 * (the request's, the verifier's, the store reader's) cost more than storing its few KiB. Below the chunker's
 * minimum size, so such an object is one chunk; 32 clients at once hold 8 MiB at most.
 */
export const WHOLE_BODY_BYTES = 256 * 1024;

/** The request's body as received (a Request): read whole, or as a stream, but only one of the two. */
export interface ReceivedBody {
  readonly body: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Authenticates the request and, for PUT and POST, sets `req.body` to the verified payload of `received`. */
export async function authenticateRequest(req: S3Request, received: ReceivedBody, options: RequestAuthOptions): Promise<AuthResult> {
  const auth = await authenticate(
    {
      method: req.method,
      rawPath: req.path,
      rawQuery: req.search,
      headers: req.headers,
      virtualHostBucket: req.virtualHost ? req.bucket : undefined,
    },
    options,
  );
  if (!WITH_BODY.has(req.method)) return auth;
  // A body without Content-Length (chunked transfer) may be of any size: it streams. A small one is read
  // without ever making a stream of it (the runtime's own buffer read is the cheapest way in).
  if (Number(req.headers.get("content-length") ?? NaN) <= WHOLE_BODY_BYTES) {
    const payload = decodeWholePayload(req.headers, new Uint8Array(await received.arrayBuffer()), auth);
    req.body = payload.bytes;
    req.verifiedChecksums = () => payload.checksums;
  } else {
    const payload = decodePayload(req.headers, received.body, auth);
    req.body = payload.body;
    req.verifiedChecksums = () => payload.checksums();
  }
  return auth;
}
