// Canned ACLs as Strata has them: a branch is private or public-read (AWS: "Canned ACL",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl). Every other ACL or grant is 501.
import type { BucketTarget } from "./buckets.ts";
import type { S3Deps } from "./context.ts";
import { notImplemented } from "./respond.ts";

export type CannedAcl = "private" | "public-read";

const GRANT_HEADERS = ["x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control"];

/** The canned ACL a request asks for in x-amz-acl (private when none); any other ACL or grant header is 501. */
export function requestedAcl(headers: Headers): CannedAcl {
  const grant = GRANT_HEADERS.find((h) => headers.has(h));
  if (grant) notImplemented(`ACL grants (${grant}); a branch is private or public-read`);
  return cannedAcl(headers.get("x-amz-acl") ?? "private");
}

/** A canned ACL by name; only private and public-read exist here. */
export function cannedAcl(name: string): CannedAcl {
  if (name === "private" || name === "public-read") return name;
  return notImplemented(`canned ACL ${name} (a branch is private or public-read)`);
}

/** The ACL a branch has, which is also every object's on it. */
export const branchAcl = (deps: S3Deps, target: BucketTarget): CannedAcl => (deps.repo.isPublic(target.repo, target.branch) ? "public-read" : "private");

/**
 * An object write may name the ACL its branch already has (SDKs send `x-amz-acl: private`; an upload to a public
 * branch may send public-read): objects have no ACL of their own, so any other is 501.
 */
export function checkObjectAcl(headers: Headers, deps: S3Deps, target: BucketTarget): void {
  const acl = requestedAcl(headers);
  const has = branchAcl(deps, target);
  if (acl !== has && headers.has("x-amz-acl")) {
    notImplemented(`per-object ACLs (objects have their branch's ACL, ${has}: set ACLs on the bucket)`);
  }
}
