// CopyObject: a new version that reuses the source's chunks (no bytes are copied), within or across repos.
import { isoTime } from "../../util/time.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { readCopySource } from "../copy-source.ts";
import { S3Error } from "../errors.ts";
import { describedBy, quoteEtag } from "../object-headers.ts";
import { xmlResponse } from "../respond.ts";
import { writeTarget } from "../targets.ts";
import { checkObjectAcl } from "../canned-acl.ts";
import { versionHeaders, writeOptions } from "../object-writes.ts";
import { requestedTags } from "../tagging.ts";

/** x-amz-metadata-directive and x-amz-tagging-directive: COPY (the default) or REPLACE. */
function directive(headers: Headers, name: "x-amz-metadata-directive" | "x-amz-tagging-directive"): "COPY" | "REPLACE" {
  const value = (headers.get(name) ?? "COPY").toUpperCase();
  if (value !== "COPY" && value !== "REPLACE") throw new S3Error("InvalidArgument", `Unknown ${name === "x-amz-metadata-directive" ? "metadata" : "tagging"} directive.`, { ArgumentName: name, ArgumentValue: value });
  return value;
}

export async function copyObject(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  checkObjectAcl(req.headers, deps, target);
  const source = readCopySource(req.headers, deps);
  const metadata = directive(req.headers, "x-amz-metadata-directive");
  // API_CopyObject: the copy gets the source's tags (COPY, the default) or the request's x-amz-tagging (REPLACE).
  const tagging = directive(req.headers, "x-amz-tagging-directive");
  const tags = tagging === "REPLACE" ? (requestedTags(req.headers) ?? []) : source.tags;
  // `repo`, `master.repo` and `branch.repo` name buckets differently; compare the branches they address.
  const from = deps.buckets.resolve(source.bucket);
  const sameObject = !from.commit && from.repo === target.repo && from.branch === target.branch && source.key === req.key && !source.versionId;
  if (sameObject && metadata === "COPY") {
    throw new S3Error("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const description = metadata === "REPLACE" ? describedBy(req.headers) : undefined;
  const { manifest, version } = await deps.repo.copyObject(target, req.key!, source, description, tags, writeOptions(req));
  return xmlResponse("CopyObjectResult", { ETag: quoteEtag(manifest.etag), LastModified: isoTime(manifest.time) }, {
    headers: { ...versionHeaders(version), "x-amz-copy-source-version-id": source.version },
  });
}
