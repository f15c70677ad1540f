// What every S3 operation receives: the parsed request and the services behind it.
import type { CorsRule } from "../repo/model.ts";
import type { RepoService } from "../repo/service.ts";
import type { AuthResult, CredentialCheck } from "./auth/types.ts";
import type { BucketTarget } from "./buckets.ts";

export interface S3Config {
  region: string;
  etagMode: "sha256" | "md5";
  /** largest single PUT (S3: 5 GiB) */
  maxObjectSize: number;
  /** CORS rule of every bucket without rules of its own (`strata serve --cors-origin`), for local development */
  defaultCors?: CorsRule[];
}

export const DEFAULT_S3_CONFIG: S3Config = { region: "us-east-1", etagMode: "sha256", maxObjectSize: 5 * 1024 ** 3 };

/** Maps bucket names to refs; the default parses names, a sidecar job maps aliases to pinned commits. */
export interface BucketResolver {
  resolve(name: string): BucketTarget;
  /** whether this resolver allows creating and deleting buckets */
  readonly managesBuckets: boolean;
  /** the buckets ListBuckets shows, when they are not every branch of every repo (a job's own) */
  list?(): Array<{ name: string; created: number }>;
}

export interface S3Request {
  method: string;
  /** the path as sent: still percent-encoded, never normalised (`x/../k3` is a key of its own) */
  path: string;
  /** the query string as sent, without its `?` ("" when there is none) */
  search: string;
  /** "http" or "https" */
  scheme: string;
  headers: Headers;
  query: URLSearchParams;
  bucket?: string;
  key?: string;
  /** the bucket came from the Host header (virtual-host style) */
  virtualHost?: boolean;
  /**
   * The payload, unframed and verified (signatures, checksums, Content-MD5): a small one read whole and checked
   * before the operation runs, a larger one checked as it streams (see request-auth.ts).
   */
  body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | null;
  /** checksums verified on the body (algorithm → base64), complete once the body has been read to its end */
  verifiedChecksums: () => Record<string, string>;
  requestId: string;
  /** set by authorization with auth on: the repos whose branches ListBuckets may show */
  mayList?: (repo: string) => boolean;
  /** with auth on: the token's user (the author of the commits the request makes) */
  user?: string;
  /** with auth on: whether the user may purge versions in the bucket's repo (the owner role); unset: yes */
  mayPurge?: boolean;
  /**
   * POST Object only: a form upload carries its credentials in its fields, not in headers, so the operation
   * verifies the policy's signature with these secrets and then authorizes the signer itself.
   */
  formAuth?: { credentials: CredentialCheck; authorize(auth: AuthResult): void };
}

export interface S3Deps {
  repo: RepoService;
  config: S3Config;
  buckets: BucketResolver;
}

export type S3Handler = (req: S3Request, deps: S3Deps) => Promise<Response> | Response;
