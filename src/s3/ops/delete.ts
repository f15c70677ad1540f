// DeleteObject and DeleteObjects: each request is one commit (a batch of deletes is one commit, too).
// History is immutable: deleting "a version" is accepted only for a key's current version, and then records a
// delete marker like a plain delete (tools such as rclone delete by version id); older versions stay readable.
import type { VersionSummary, WriteCheck } from "../../repo/service.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { xmlResponse } from "../respond.ts";
import { readView, writeTarget } from "../targets.ts";
import { parseXml } from "../xml.ts";

const MAX_BATCH = 1000;

/** A requested version id that names a specific version (S3's "null" version is the current one here). */
const specific = (versionId: string | null | undefined): versionId is string => Boolean(versionId) && versionId !== "null";

const olderVersion = (key: string, versionId: string) =>
  new S3Error("NotImplemented", "This functionality is not implemented: deleting a version other than the key's current one (commits are immutable; delete the key to record a delete marker).", { Key: key, VersionId: versionId });

const isCurrentVersion = (version: VersionSummary | undefined, versionId: string) => version !== undefined && !version.deleteMarker && version.commit === versionId;

/** Under the branch lock: each versioned delete must still name its key's current, live version. */
function stillCurrent(wanted: Array<{ key: string; versionId: string }>): WriteCheck {
  return (current) => {
    for (const { key, versionId } of wanted) {
      if (!isCurrentVersion(current(key), versionId)) {
        throw new S3Error("OperationAborted", "A conflicting write changed this key while it was being deleted; please try again.", { Key: key });
      }
    }
  };
}

export async function deleteObject(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const key = req.key!;
  const versionId = req.query.get("versionId");
  let check;
  if (specific(versionId)) {
    if (!isCurrentVersion(deps.repo.versionAt(readView(deps, req.bucket!).snapshot, key), versionId)) throw olderVersion(key, versionId);
    check = stillCurrent([{ key, versionId }]);
  }
  const { commit, changed } = await deps.repo.deleteObjects(target, [key], check);
  const headers: Record<string, string> = {};
  if (changed) {
    headers["x-amz-delete-marker"] = "true";
    headers["x-amz-version-id"] = commit;
  }
  return new Response(null, { status: 204, headers });
}

export async function deleteObjects(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const { snapshot } = readView(deps, req.bucket!);
  const doc = parseXml(await new Response(req.body).text());
  const del = doc?.Delete as { Object?: Array<{ Key?: unknown; VersionId?: unknown }>; Quiet?: unknown } | undefined;
  if (!del || typeof del !== "object") throw new S3Error("MalformedXML");
  const objects = del.Object ?? [];
  if (objects.length === 0 || objects.length > MAX_BATCH) throw new S3Error("MalformedXML", `A delete request names 1 to ${MAX_BATCH} objects.`);
  const quiet = String(del.Quiet ?? "").trim() === "true";
  const deletes: Array<{ key: string; versionId?: string }> = [];
  const errors: Array<Record<string, string>> = [];
  for (const o of objects) {
    const key = typeof o.Key === "string" || typeof o.Key === "number" ? String(o.Key) : undefined;
    if (key === undefined || key === "") throw new S3Error("MalformedXML", "Every Object in a delete request needs a Key.");
    const versionId = o.VersionId === undefined ? undefined : String(o.VersionId);
    if (!specific(versionId)) {
      deletes.push({ key });
      continue;
    }
    if (isCurrentVersion(deps.repo.versionAt(snapshot, key), versionId)) deletes.push({ key, versionId });
    else errors.push({ Key: key, VersionId: versionId, Code: "NotImplemented", Message: olderVersion(key, versionId).message });
  }
  const versioned = deletes.filter((d): d is { key: string; versionId: string } => d.versionId !== undefined);
  const { commit } = await deps.repo.deleteObjects(target, deletes.map(({ key }) => key), versioned.length ? stillCurrent(versioned) : undefined);
  return xmlResponse(
    "DeleteResult",
    {
      Deleted: quiet ? [] : deletes.map(({ key, versionId }) => ({ Key: key, VersionId: versionId, DeleteMarker: true, DeleteMarkerVersionId: commit })),
      Error: errors,
    },
    { headers: { "x-amz-version-id": commit } },
  );
}
