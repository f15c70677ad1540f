// Object and bucket tagging: the ?tagging sub-resource. AWS: PutObjectTagging, GetObjectTagging,
// DeleteObjectTagging (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html and neighbours),
// PutBucketTagging, GetBucketTagging, DeleteBucketTagging. An object's tags change without a new version (the
// repo's tag index: docs/versioning.md, "Tags"); a bucket's are its branch's.
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { findVersion } from "../object-lookup.ts";
import { BODY_LIMITS, boundedText } from "../request-body.ts";
import { parseTaggingXml, taggingResponse } from "../tagging.ts";
import { resolveTarget, writeTarget } from "../targets.ts";
import { versionIdParam } from "../version-id.ts";

/** The version the request names (NoSuchKey, NoSuchVersion; a delete marker by id: 405 MethodNotAllowed), as its bucket shows it. */
const versionOf = (req: S3Request, deps: S3Deps) => findVersion(deps, req.bucket!, req.key!, versionIdParam(req.query.get("versionId")));

/** GetObjectTagging: the version's tag set (empty when it has none), with its version id. */
export function getObjectTagging(req: S3Request, deps: S3Deps): Response {
  const version = versionOf(req, deps);
  return taggingResponse(version.tags, { "x-amz-version-id": version.version });
}

/** PutObjectTagging: replaces the version's tag set (an empty set removes its tags); 200 with its version id. */
export async function putObjectTagging(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const tags = parseTaggingXml(await boundedText(req.body, BODY_LIMITS.tagging), "object");
  const version = versionOf(req, deps);
  await deps.repo.setObjectTags(target, req.key!, version, tags);
  return new Response(null, { status: 200, headers: { "x-amz-version-id": version.version } });
}

/** DeleteObjectTagging: "Removes the entire tag set from the specified object"; 204 with its version id. */
export async function deleteObjectTagging(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const version = versionOf(req, deps);
  await deps.repo.setObjectTags(target, req.key!, version, []);
  return new Response(null, { status: 204, headers: { "x-amz-version-id": version.version } });
}

/** GetBucketTagging: the branch's tags; 404 NoSuchTagSet when it has none (a commit bucket shows its branch's). */
export function getBucketTagging(req: S3Request, deps: S3Deps): Response {
  const target = resolveTarget(deps, req.bucket!);
  const tags = target.anyBranch ? undefined : deps.repo.bucketTags(target.repo, target.branch);
  if (!tags) throw new S3Error("NoSuchTagSet", undefined, { BucketName: req.bucket! });
  return taggingResponse(tags);
}

/**
 * PutBucketTagging: "it will overwrite any current tags the bucket already has"; an empty set leaves the bucket
 * without tags (GetBucketTagging: NoSuchTagSet). 204, as AWS's sample answers.
 */
export async function putBucketTagging(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const tags = parseTaggingXml(await boundedText(req.body, BODY_LIMITS.tagging), "bucket");
  await deps.repo.setBucketTags(target.repo, target.branch, tags.length ? tags : null);
  return new Response(null, { status: 204 });
}

export async function deleteBucketTagging(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  if (deps.repo.bucketTags(target.repo, target.branch)) await deps.repo.setBucketTags(target.repo, target.branch, null);
  return new Response(null, { status: 204 });
}
