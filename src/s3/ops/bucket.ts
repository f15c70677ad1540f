// Bucket operations: create (repo and/or branch, in the server's region), delete, head, location, versioning.
import type { S3Deps, S3Request } from "../context.ts";
import { RepoError } from "../../repo/errors.ts";
import { S3Error } from "../errors.ts";
import { requestedAcl } from "../canned-acl.ts";
import { notImplemented, xmlResponse } from "../respond.ts";
import { readView, resolveTarget, writeTarget } from "../targets.ts";
import { BODY_LIMITS, boundedText } from "../request-body.ts";
import { parseXml } from "../xml.ts";
import { checkRegion, requestedRegion } from "../bucket-location.ts";

function requireManagedBuckets(deps: S3Deps, what: string): void {
  if (!deps.buckets.managesBuckets) notImplemented(`${what} inside a job's private endpoint`);
}

/** The region where re-creating a bucket you own succeeds (AWS's legacy behaviour); everywhere else it is a 409. */
const LEGACY_REGION = "us-east-1";

const created = (bucket: string) => new Response(null, { status: 200, headers: { location: `/${bucket}` } });

export async function createBucket(req: S3Request, deps: S3Deps): Promise<Response> {
  requireManagedBuckets(deps, "creating buckets");
  const acl = requestedAcl(req.headers);
  const target = deps.buckets.resolve(req.bucket!);
  if (target.commit) throw new S3Error("InvalidBucketName", "A commit bucket (commit.branch.repo) already exists as long as its commit does; it cannot be created.");
  checkRegion(requestedRegion(await boundedText(req.body, BODY_LIMITS.createBucket)), deps.config.region);
  try {
    await deps.repo.createBranch(target.repo, target.branch);
  } catch (err) {
    if (!(err instanceof RepoError && err.code === "BranchExists" && deps.config.region === LEGACY_REGION)) throw err;
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html (BucketAlreadyOwnedByYou): "if you
    // re-create an existing bucket that you already own in the North Virginia Region, Amazon S3 returns 200 OK and
    // resets the bucket access control lists (ACLs)" — to the request's canned ACL, private when it names none.
    await deps.repo.setPublic(target.repo, target.branch, acl === "public-read");
    return created(target.name);
  }
  // A crash between the two leaves the new branch private: fail closed.
  if (acl === "public-read") await deps.repo.setPublic(target.repo, target.branch, true);
  return created(target.name);
}

export async function deleteBucket(req: S3Request, deps: S3Deps): Promise<Response> {
  requireManagedBuckets(deps, "deleting buckets");
  const target = writeTarget(deps, req.bucket!);
  // AWS's DeleteBucket needs every version and delete marker gone; here: every version that only this branch holds.
  await deps.repo.deleteBranch(target.repo, target.branch, { keepVersions: true });
  return new Response(null, { status: 204 });
}

export function headBucket(req: S3Request, deps: S3Deps): Response {
  readView(deps, req.bucket!);
  return new Response(null, { status: 200, headers: { "x-amz-bucket-region": deps.config.region } });
}

export function getBucketLocation(req: S3Request, deps: S3Deps): Response {
  resolveTarget(deps, req.bucket!);
  const region = deps.config.region === "us-east-1" ? "" : deps.config.region;
  return xmlResponse("LocationConstraint", { "#text": region });
}

/** A branch's versioning state; a commit bucket shows its branch's (a commit of the whole repo: Enabled). */
export function getBucketVersioning(req: S3Request, deps: S3Deps): Response {
  const target = resolveTarget(deps, req.bucket!);
  const status = target.anyBranch ? "Enabled" : deps.repo.versioning(target.repo, target.branch);
  return xmlResponse("VersioningConfiguration", { Status: status });
}

/**
 * Enabled or Suspended, per branch. Suspended (AWS, "Managing objects in a versioning-suspended bucket"): each
 * write becomes the key's null version and purges the one before, so the branch stops keeping old bytes.
 * MFA delete needs MFA devices, which Strata has none of.
 */
export async function putBucketVersioning(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const doc = parseXml(await boundedText(req.body, BODY_LIMITS.configuration));
  const config = doc?.VersioningConfiguration as Record<string, unknown> | undefined;
  if (!config || typeof config !== "object") throw new S3Error("MalformedXML");
  const mfa = config.MfaDelete;
  if (mfa !== undefined && mfa !== "Disabled") {
    if (mfa !== "Enabled") throw new S3Error("MalformedXML");
    notImplemented("MFA delete (Strata has no MFA devices; with auth on, purging versions needs the repo's owner role)");
  }
  const status = config.Status;
  if (status !== "Enabled" && status !== "Suspended") throw new S3Error("MalformedXML", "The versioning Status must be Enabled or Suspended.");
  await deps.repo.setVersioning(target.repo, target.branch, status);
  return new Response(null, { status: 200 });
}
