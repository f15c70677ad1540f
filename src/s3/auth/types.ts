// What authentication sees of a request and what it concludes. Independent of Hono and of any runtime.

/** A request as it arrived on the wire: nothing decoded, nothing normalized. */
export interface RequestView {
  method: string;
  /** Path as sent, percent-encoded, starting with '/' (e.g. "/bucket/a%20b"). */
  rawPath: string;
  /** Everything after '?' as sent, without the '?' ("" when none). */
  rawQuery: string;
  headers: Headers;
  /**
   * Bucket named by the Host header in virtual-hosted style (`bucket.localhost:30600`), if any.
   * SigV2 signs "/bucket" + path in that case; SigV4 signs the Host header instead.
   */
  virtualHostBucket?: string;
}

/** Whose keys verify. Both are asked per request: auth can be switched on and off while the server runs. */
export interface CredentialCheck {
  /** The secret of a known access key; undefined for an unknown one (InvalidAccessKeyId). */
  secretFor(accessKey: string): string | undefined;
  /**
   * Auth off: any key pair is accepted. A signature's form, its date, clock skew and a presigned URL's expiry
   * are still checked; its value is not (there is no secret to check it with), nor are chunk signatures.
   * Framing, payload hashes and checksums are checked either way. Absent: false.
   */
  anyCredentials?(): boolean;
}

/** Auth off for good (tests, tools): any key pair. */
export const ANY_CREDENTIALS: CredentialCheck = { secretFor: () => undefined, anyCredentials: () => true };

export interface AuthOptions extends CredentialCheck {
  /** Current time in ms since the epoch (tests pin it). */
  now?: number;
}

/** What a verified SigV4 signature hands on to payload decoding, to verify streaming chunk signatures. */
export interface SigV4Context {
  /** The request's own signature: the first link of the chunk signature chain. */
  seedSignature: string;
  /** HMAC key derived from secret, date, region and service. */
  signingKey: Uint8Array;
  /** Credential scope, "20130524/us-east-1/s3/aws4_request". */
  scope: string;
  /** Request time in ISO 8601 basic format, "20130524T000000Z", as signed. */
  amzDate: string;
}

export type AuthResult =
  | { kind: "anonymous" }
  | { kind: "signed"; accessKey: string; scheme: "v2-header" | "v2-query" | "post-policy" }
  /** v4 is absent when the signature was not checked (anyCredentials): chunk signatures cannot be checked either. */
  | { kind: "signed"; accessKey: string; scheme: "v4-header" | "v4-query"; v4?: SigV4Context };

/** Requests signed with a clock further off than this are refused (RequestTimeTooSkewed). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/**
 * Presigned URLs live at most a week (X-Amz-Expires ≤ 604800), SigV2 ones (Expires, counted from now) as well.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
export const MAX_PRESIGN_EXPIRES_S = 604800;
