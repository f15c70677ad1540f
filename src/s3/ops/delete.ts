// DeleteObject and DeleteObjects: each request is one commit (a batch of deletes is one commit, too).
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { notImplemented, xmlResponse } from "../respond.ts";
import { writeTarget } from "../targets.ts";
import { parseXml } from "../xml.ts";

const MAX_BATCH = 1000;

function refuseVersionDelete(versionId: string | null | undefined): void {
  if (versionId && versionId !== "null") {
    notImplemented("deleting a single version: commits are immutable, so delete the key (which records a delete marker) instead");
  }
}

export async function deleteObject(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  refuseVersionDelete(req.query.get("versionId"));
  const { commit, changed } = await deps.repo.versions.write(target.repo, target.branch, [{ key: req.key!, delete: true, time: Date.now() }]);
  const headers: Record<string, string> = {};
  if (changed) {
    headers["x-amz-delete-marker"] = "true";
    headers["x-amz-version-id"] = commit;
  }
  return new Response(null, { status: 204, headers });
}

export async function deleteObjects(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const doc = parseXml(await new Response(req.body).text());
  const del = doc?.Delete as { Object?: Array<{ Key?: unknown; VersionId?: unknown }>; Quiet?: unknown } | undefined;
  if (!del || typeof del !== "object") throw new S3Error("MalformedXML");
  const objects = del.Object ?? [];
  if (objects.length === 0 || objects.length > MAX_BATCH) throw new S3Error("MalformedXML", `A delete request names 1 to ${MAX_BATCH} objects.`);
  const quiet = String(del.Quiet ?? "").trim() === "true";
  const keys: string[] = [];
  const errors: Array<Record<string, string>> = [];
  for (const o of objects) {
    const key = typeof o.Key === "string" || typeof o.Key === "number" ? String(o.Key) : undefined;
    if (key === undefined || key === "") throw new S3Error("MalformedXML", "Every Object in a delete request needs a Key.");
    const versionId = o.VersionId === undefined ? undefined : String(o.VersionId);
    if (versionId && versionId !== "null") errors.push({ Key: key, VersionId: versionId, Code: "NotImplemented", Message: "Deleting a single version is not supported: commits are immutable." });
    else keys.push(key);
  }
  const now = Date.now();
  const { commit } = await deps.repo.versions.write(target.repo, target.branch, keys.map((key) => ({ key, delete: true as const, time: now })));
  return xmlResponse(
    "DeleteResult",
    {
      Deleted: quiet ? [] : keys.map((Key) => ({ Key, DeleteMarker: true, DeleteMarkerVersionId: commit })),
      Error: errors,
    },
    { headers: { "x-amz-version-id": commit } },
  );
}
