// What every operation that writes an object shares: storing its bytes, conditional writes, who writes, and the
// version headers of the answer (ACLs: canned-acl.ts).
import { NULL_VERSION } from "../repo/purges.ts";
import type { WriteCheck } from "../repo/service.ts";
import { ObjectTooLargeError, type StoredBytes } from "../repo/objects.ts";
import type { S3Deps, S3Request } from "./context.ts";
import { S3Error } from "./errors.ts";
import { etagMatches } from "./object-headers.ts";
import { notImplemented } from "./respond.ts";

/** S3 keys are at most 1024 bytes of UTF-8 (AWS: "Naming Amazon S3 objects"). */
export function checkKeyLength(key: string): void {
  if (new TextEncoder().encode(key).length > 1024) throw new S3Error("KeyTooLongError");
}

const tooLarge = (limit: number, proposed?: number) =>
  new S3Error("EntityTooLarge", undefined, { ...(proposed !== undefined ? { ProposedSize: String(proposed) } : {}), MaxSizeAllowed: String(limit) });

/**
 * Streams an object's bytes into the store (PUT, UploadPart, POST Object); past `maxSize` bytes it stops with
 * EntityTooLarge. A body declared larger (`declared`: Content-Length, or the decoded length of an aws-chunked
 * one) is refused before a byte of it is read: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 * (5 GB in one PUT), https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html (parts up to 5 GiB).
 * On a disk at its reserve every new object is refused up front (503, store/disk-space.ts), an empty one too.
 */
export async function ingestObject(deps: S3Deps, body: S3Request["body"], maxSize: number, declared?: number): Promise<StoredBytes> {
  if (declared !== undefined && declared > maxSize) throw tooLarge(maxSize, declared);
  try {
    return await deps.repo.ingest(body, { md5: deps.config.etagMode === "md5", maxSize, declared: declared ?? (body instanceof Uint8Array ? body.length : 0) });
  } catch (err) {
    if (err instanceof ObjectTooLargeError) throw tooLarge(err.limit);
    throw err;
  }
}

/** Conditional write headers (If-None-Match: *, If-Match), checked under the branch lock against the version being replaced. */
export function writeConditions(headers: Headers, key: string): WriteCheck | undefined {
  const ifNoneMatch = headers.get("if-none-match");
  const ifMatch = headers.get("if-match");
  if (ifNoneMatch === null && ifMatch === null) return undefined;
  if (ifNoneMatch !== null && ifNoneMatch.trim() !== "*") notImplemented("If-None-Match on writes other than '*'");
  return (current) => {
    const version = current(key);
    const live = version && !version.deleteMarker ? version : undefined;
    if (ifNoneMatch !== null && live) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-None-Match", Key: key });
    if (ifMatch !== null) {
      if (!live) throw new S3Error("NoSuchKey", undefined, { Key: key });
      if (!etagMatches(ifMatch, live.etag)) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-Match", Key: key });
    }
  };
}

/** How an object write of this request runs: under its conditions, by its user. */
export const writeOptions = (req: S3Request) => ({ check: writeConditions(req.headers, req.key!), author: authorOf(req) });

/**
 * The answer headers that name the version a write made: its version id (the commit), none while the bucket's
 * versioning is suspended (AWS's PutObject examples: the null version's write answers without x-amz-version-id).
 */
export const versionHeaders = (version: string | undefined): Record<string, string> =>
  version && version !== NULL_VERSION ? { "x-amz-version-id": version } : {};

/** Who a commit is by: the request's user with auth on, else anonymous. */
export const authorOf = (req: S3Request): string => req.user ?? "anonymous";
