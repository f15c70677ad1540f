// DeleteObject and DeleteObjects: each request is one commit (a batch of deletes is one commit, too).
//
// As AWS documents ("Deleting object versions from a versioning-enabled bucket", "Working with delete markers",
// "Deleting objects from versioning-suspended buckets"): a delete without a version id records a delete marker,
// whether or not the key exists (and over another marker); with a version id it purges that version for good
// (see docs/versioning.md), a version id that names nothing deletes nothing and still succeeds; the answer says
// which version went (x-amz-version-id) and whether it was a delete marker (x-amz-delete-marker).
import type { WriteOutcome } from "../../repo/service.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { authorOf, checkKeyLength } from "../object-writes.ts";
import { xmlResponse } from "../respond.ts";
import { writeTarget } from "../targets.ts";
import { versionIdParam } from "../version-id.ts";
import { BODY_LIMITS, boundedText } from "../request-body.ts";
import { keyElement, parseXml } from "../xml.ts";

const MAX_BATCH = 1000;

/** Purging a version needs the owner role with auth on (AWS: only the bucket owner deletes a version by id). */
const mayPurge = (req: S3Request): boolean => req.mayPurge !== false;

const purgeDenied = () => new S3Error("AccessDenied", "Access Denied: deleting a version by id purges it for good, which needs the owner role in the repo.");

/** DeleteObject's answer headers for what the delete did. */
function outcomeHeaders(o: WriteOutcome): Record<string, string> {
  switch (o.kind) {
    case "marker":
      return { "x-amz-delete-marker": "true", "x-amz-version-id": o.version };
    case "purged":
      return o.marker ? { "x-amz-delete-marker": "true", "x-amz-version-id": o.version } : { "x-amz-version-id": o.version };
    default:
      return o.version ? { "x-amz-version-id": o.version } : {};
  }
}

export async function deleteObject(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const versionId = versionIdParam(req.query.get("versionId"));
  if (versionId !== undefined && !mayPurge(req)) throw purgeDenied();
  const { outcomes } = await deps.repo.deleteObjects(target, [{ key: req.key!, version: versionId }], { author: authorOf(req) });
  return new Response(null, { status: 204, headers: outcomeHeaders(outcomes[0]) });
}

/** A DeleteObjects <Deleted> element for what one entry's delete did. */
function deletedXml(o: WriteOutcome): Record<string, string | boolean | undefined> {
  switch (o.kind) {
    case "marker":
      return { Key: keyElement(o.key), DeleteMarker: true, DeleteMarkerVersionId: o.version };
    case "purged":
      return { Key: keyElement(o.key), VersionId: o.version, DeleteMarker: o.marker || undefined, DeleteMarkerVersionId: o.marker ? o.version : undefined };
    default:
      return { Key: keyElement(o.key), VersionId: o.version };
  }
}

/** A DeleteObjects <Error> element: the code and message of the S3 error that entry met (so only the table's codes). */
function errorXml(key: string, versionId: string | undefined, err: S3Error) {
  return { Key: keyElement(key), VersionId: versionId, Code: err.code, Message: err.message };
}

export async function deleteObjects(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const doc = parseXml(await boundedText(req.body, BODY_LIMITS.deleteObjects));
  const del = doc?.Delete as { Object?: Array<{ Key?: unknown; VersionId?: unknown }>; Quiet?: unknown } | undefined;
  if (!del || typeof del !== "object") throw new S3Error("MalformedXML");
  const objects = del.Object ?? [];
  if (objects.length === 0 || objects.length > MAX_BATCH) throw new S3Error("MalformedXML", `A delete request names 1 to ${MAX_BATCH} objects.`);
  const quiet = String(del.Quiet ?? "").trim() === "true";
  const deletes: Array<{ key: string; version?: string }> = [];
  const errors: Array<ReturnType<typeof errorXml>> = [];
  for (const o of objects) {
    const key = typeof o.Key === "string" || typeof o.Key === "number" ? String(o.Key) : undefined;
    if (key === undefined || key === "") throw new S3Error("MalformedXML", "Every Object in a delete request needs a Key.");
    checkKeyLength(key);
    const raw = o.VersionId === undefined ? undefined : String(o.VersionId);
    let versionId: string | undefined;
    try {
      versionId = versionIdParam(raw);
    } catch (err) {
      if (!(err instanceof S3Error)) throw err;
      errors.push(errorXml(key, raw, err));
      continue;
    }
    if (versionId !== undefined && !mayPurge(req)) {
      errors.push(errorXml(key, versionId, purgeDenied()));
      continue;
    }
    deletes.push({ key, version: versionId });
  }
  const { commit, changed, outcomes } = deletes.length
    ? await deps.repo.deleteObjects(target, deletes, { author: authorOf(req) })
    : { commit: "", changed: false, outcomes: [] };
  return xmlResponse(
    "DeleteResult",
    { Deleted: quiet ? [] : outcomes.map(deletedXml), Error: errors },
    // Not an AWS header: the commit that recorded the batch (read it as ?versionId= or commit.branch.repo).
    { headers: changed ? { "x-amz-version-id": commit } : {} },
  );
}
