// What every operation that writes an object shares: ACL header check, conditional writes, who writes, and the
// version headers of the answer.
import { NULL_VERSION } from "../repo/purges.ts";
import type { WriteCheck } from "../repo/service.ts";
import type { S3Request } from "./context.ts";
import { S3Error } from "./errors.ts";
import { etagMatches } from "./object-headers.ts";
import { notImplemented } from "./respond.ts";

export function checkAcl(headers: Headers): void {
  const acl = headers.get("x-amz-acl");
  if (acl && acl !== "private") notImplemented(`canned ACL ${acl} (only private is supported)`);
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
