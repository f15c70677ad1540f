// What every operation that writes an object shares: ACL header check and conditional writes.
import type { WriteCheck } from "../repo/service.ts";
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
