// CopyObject: a new version that reuses the source's chunks (no bytes are copied), within or across repos.
import type { ObjectManifest } from "../../repo/model.ts";
import { versionIdOf } from "../../repo/purges.ts";
import { isoTime } from "../../util/time.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { readCopySource } from "../copy-source.ts";
import { S3Error } from "../errors.ts";
import { describedBy, quoteEtag } from "../object-headers.ts";
import { xmlResponse } from "../respond.ts";
import { writeTarget } from "../targets.ts";
import { checkAcl, commitObject } from "../object-writes.ts";

export async function copyObject(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  checkAcl(req.headers);
  const source = readCopySource(req.headers, deps);
  const directive = (req.headers.get("x-amz-metadata-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") throw new S3Error("InvalidArgument", "Unknown metadata directive.", { ArgumentName: "x-amz-metadata-directive", ArgumentValue: directive });
  // `repo`, `master.repo` and `branch.repo` name buckets differently; compare the branches they address.
  const from = deps.buckets.resolve(source.bucket);
  const sameObject = !from.commit && from.repo === target.repo && from.branch === target.branch && source.key === req.key && !source.versionId;
  if (sameObject && directive === "COPY") {
    throw new S3Error("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const described = directive === "REPLACE" ? describedBy(req.headers) : { contentType: source.manifest.contentType, headers: source.manifest.headers, meta: source.manifest.meta };
  const manifest: ObjectManifest = { ...source.manifest, ...described, time: Date.now() };
  for (const k of ["contentType", "headers", "meta"] as const) if (manifest[k] === undefined) delete manifest[k];
  const versionHeaders = await commitObject(req, deps, target, manifest);
  return xmlResponse("CopyObjectResult", { ETag: quoteEtag(manifest.etag), LastModified: isoTime(manifest.time) }, {
    headers: { ...versionHeaders, "x-amz-copy-source-version-id": versionIdOf(source.entry) },
  });
}
