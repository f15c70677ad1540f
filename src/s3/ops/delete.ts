// DeleteObject and DeleteObjects: each request is one commit (a batch of deletes is one commit, too).
// History is immutable: deleting "a version" is accepted only for a key's current version, and then records a
// delete marker like a plain delete (tools such as rclone delete by version id); older versions stay readable.
import type { VersionEntry } from "../../repo/model.ts";
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

/** Under the branch lock: each versioned delete must still name its key's current, live version. */
function stillCurrent(wanted: Array<{ key: string; versionId: string }>) {
  return (current: (key: string) => VersionEntry | undefined) => {
    for (const { key, versionId } of wanted) {
      const entry = current(key);
      if (!entry?.m || entry.c !== versionId) {
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
    const entry = deps.repo.versions.objects.get(readView(deps, req.bucket!).root, key);
    if (!entry?.m || entry.c !== versionId) throw olderVersion(key, versionId);
    check = stillCurrent([{ key, versionId }]);
  }
  const { commit, changed } = await deps.repo.versions.write(target.repo, target.branch, [{ key, delete: true, time: Date.now() }], check);
  const headers: Record<string, string> = {};
  if (changed) {
    headers["x-amz-delete-marker"] = "true";
    headers["x-amz-version-id"] = commit;
  }
  return new Response(null, { status: 204, headers });
}

export async function deleteObjects(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const root = readView(deps, req.bucket!).root;
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
    const entry = deps.repo.versions.objects.get(root, key);
    if (entry?.m && entry.c === versionId) deletes.push({ key, versionId });
    else errors.push({ Key: key, VersionId: versionId, Code: "NotImplemented", Message: olderVersion(key, versionId).message });
  }
  const now = Date.now();
  const versioned = deletes.filter((d): d is { key: string; versionId: string } => d.versionId !== undefined);
  const { commit } = await deps.repo.versions.write(
    target.repo,
    target.branch,
    deletes.map(({ key }) => ({ key, delete: true as const, time: now })),
    versioned.length ? stillCurrent(versioned) : undefined,
  );
  return xmlResponse(
    "DeleteResult",
    {
      Deleted: quiet ? [] : deletes.map(({ key, versionId }) => ({ Key: key, VersionId: versionId, DeleteMarker: true, DeleteMarkerVersionId: commit })),
      Error: errors,
    },
    { headers: { "x-amz-version-id": commit } },
  );
}
