// What every operation that writes an object shares: ACL header check, conditional writes, the commit.
import type { ObjectManifest, VersionEntry } from "../repo/model.ts";
import { NULL_VERSION } from "../repo/purges.ts";
import type { BucketTarget } from "./buckets.ts";
import type { S3Deps, S3Request } from "./context.ts";
import { S3Error } from "./errors.ts";
import { etagMatches } from "./object-headers.ts";
import { notImplemented } from "./respond.ts";

export function checkAcl(headers: Headers): void {
  const acl = headers.get("x-amz-acl");
  if (acl && acl !== "private") notImplemented(`canned ACL ${acl} (only private is supported)`);
}

/** Conditional write headers, checked under the branch lock against the version being replaced. */
export function writeConditions(headers: Headers): ((current: (key: string) => VersionEntry | undefined, key: string) => void) | undefined {
  const ifNoneMatch = headers.get("if-none-match");
  const ifMatch = headers.get("if-match");
  if (ifNoneMatch === null && ifMatch === null) return undefined;
  if (ifNoneMatch !== null && ifNoneMatch.trim() !== "*") notImplemented("If-None-Match on writes other than '*'");
  return (current, key) => {
    const entry = current(key);
    const live = entry?.m ? entry : undefined;
    if (ifNoneMatch !== null && live) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-None-Match", Key: key });
    if (ifMatch !== null) {
      if (!live) throw new S3Error("NoSuchKey", undefined, { Key: key });
      if (!etagMatches(ifMatch, live.e!)) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-Match", Key: key });
    }
  };
}

/**
 * Commits a stored manifest as the key's new version; returns the response headers that name it: its version id
 * (the commit), none while the bucket's versioning is suspended (AWS's PutObject examples: the null version's
 * write answers without x-amz-version-id).
 */
export async function commitObject(req: S3Request, deps: S3Deps, target: BucketTarget, manifest: ObjectManifest): Promise<Record<string, string>> {
  const hash = deps.repo.manifests.put(manifest);
  const key = req.key!;
  const condition = writeConditions(req.headers);
  const { outcomes } = await deps.repo.versions.write(
    target.repo,
    target.branch,
    [{ key, manifest: hash, size: manifest.size, etag: manifest.etag, time: manifest.time }],
    condition && ((current) => condition(current, key)),
    { author: authorOf(req) },
  );
  const { version } = outcomes[0];
  return version && version !== NULL_VERSION ? { "x-amz-version-id": version } : {};
}

/** Who a commit is by: the request's user with auth on, else anonymous. */
export const authorOf = (req: S3Request): string => req.user ?? "anonymous";
