// What every S3 operation receives: the parsed request and the services behind it.
import type { RepoService } from "../repo/service.ts";
import type { BucketTarget } from "./buckets.ts";

export interface S3Config {
  region: string;
  etagMode: "sha256" | "md5";
  /** largest single PUT (S3: 5 GiB) */
  maxObjectSize: number;
}

export const DEFAULT_S3_CONFIG: S3Config = { region: "us-east-1", etagMode: "sha256", maxObjectSize: 5 * 1024 ** 3 };

/** Maps bucket names to refs; the default parses names, a sidecar job maps aliases to pinned commits. */
export interface BucketResolver {
  resolve(name: string): BucketTarget;
  /** whether this resolver allows creating and deleting buckets */
  readonly managesBuckets: boolean;
}

export interface S3Request {
  method: string;
  /** raw URL (path still percent-encoded) */
  url: URL;
  headers: Headers;
  query: URLSearchParams;
  bucket?: string;
  key?: string;
  /** the bucket came from the Host header (virtual-host style) */
  virtualHost?: boolean;
  /** the payload, already unframed and verified as it streams (signatures, checksums, Content-MD5) */
  body: ReadableStream<Uint8Array> | null;
  /** checksums verified on the body (algorithm → base64), complete once the body has been read to its end */
  verifiedChecksums: () => Record<string, string>;
  requestId: string;
}

export interface S3Deps {
  repo: RepoService;
  config: S3Config;
  buckets: BucketResolver;
}

export type S3Handler = (req: S3Request, deps: S3Deps) => Promise<Response> | Response;
