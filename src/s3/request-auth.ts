// Authenticates each request and swaps its body for the verified payload (signatures, checksums, framing).
import { authenticate } from "./auth/authenticate.ts";
import type { AuthResult } from "./auth/types.ts";
import type { S3Request } from "./context.ts";
import { decodePayload } from "./payload/decode-payload.ts";

export interface RequestAuthOptions {
  /** The secret for an access key; undefined = unknown key. With auth off every key is its own secret. */
  secretFor(accessKey: string): string | undefined;
}

const WITH_BODY = new Set(["PUT", "POST"]);

export async function authenticateRequest(req: S3Request, options: RequestAuthOptions): Promise<AuthResult> {
  const auth = await authenticate(
    {
      method: req.method,
      rawPath: req.url.pathname,
      rawQuery: req.url.search.slice(1),
      headers: req.headers,
      virtualHostBucket: req.virtualHost ? req.bucket : undefined,
    },
    options,
  );
  if (WITH_BODY.has(req.method)) {
    const payload = decodePayload(req.headers, req.body, auth);
    req.body = payload.body;
    req.verifiedChecksums = () => payload.checksums();
  }
  return auth;
}
