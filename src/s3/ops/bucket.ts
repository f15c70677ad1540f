// Bucket operations: create (repo and/or branch), delete, head, location, versioning.
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { checkAcl } from "../object-writes.ts";
import { notImplemented, xmlResponse } from "../respond.ts";
import { readView, resolveTarget, writeTarget } from "../targets.ts";
import { parseXml } from "../xml.ts";

function requireManagedBuckets(deps: S3Deps, what: string): void {
  if (!deps.buckets.managesBuckets) notImplemented(`${what} inside a job's private endpoint`);
}

export async function createBucket(req: S3Request, deps: S3Deps): Promise<Response> {
  requireManagedBuckets(deps, "creating buckets");
  checkAcl(req.headers);
  const target = deps.buckets.resolve(req.bucket!);
  if (target.commit) throw new S3Error("InvalidBucketName", "A commit bucket (commit.branch.repo) already exists as long as its commit does; it cannot be created.");
  await drainBody(req); // CreateBucketConfiguration: any region is accepted
  await deps.repo.createBranch(target.repo, target.branch);
  return new Response(null, { status: 200, headers: { location: `/${target.name}` } });
}

export async function deleteBucket(req: S3Request, deps: S3Deps): Promise<Response> {
  requireManagedBuckets(deps, "deleting buckets");
  const target = writeTarget(deps, req.bucket!);
  await deps.repo.deleteBranch(target.repo, target.branch, { requireEmpty: true });
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

export function getBucketVersioning(req: S3Request, deps: S3Deps): Response {
  resolveTarget(deps, req.bucket!);
  return xmlResponse("VersioningConfiguration", { Status: "Enabled" });
}

export async function putBucketVersioning(req: S3Request, deps: S3Deps): Promise<Response> {
  resolveTarget(deps, req.bucket!);
  const doc = parseXml(await new Response(req.body).text());
  if (!doc) throw new S3Error("MalformedXML");
  const status = (doc.VersioningConfiguration as Record<string, unknown> | undefined)?.Status;
  if (status !== "Enabled") notImplemented("suspending versioning (every write to a branch is a commit)");
  return new Response(null, { status: 200 });
}

/** Reads a streamed body to its end, where its checks run; a small body was read and checked whole already. */
async function drainBody(req: S3Request): Promise<void> {
  if (req.body instanceof ReadableStream) await new Response(req.body).arrayBuffer();
}
