// ListObjects (v1) and ListObjectsV2: a range scan of the bucket's tree.
import { isoTime } from "../../util/time.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { continuationToken, resumeAfter } from "../continuation-token.ts";
import { encoderFor, maxKeys } from "../list-params.ts";
import { OWNER, xmlResponse } from "../respond.ts";
import { readView } from "../targets.ts";
import { escapeXml, RawXml, xmlFragment } from "../xml.ts";
import type { VersionSummary } from "../../repo/service.ts";

const OWNER_XML = xmlFragment("Owner", OWNER).xml;

/** The <Contents> elements of a page, one template each (see RawXml); the ETag is quoted as quoteEtag does. */
function contentsXml(objects: Array<Extract<VersionSummary, { deleteMarker: false }>>, encode: (s: string) => string, withOwner: boolean): RawXml {
  const owner = withOwner ? OWNER_XML : "";
  let xml = "";
  for (const o of objects) {
    xml += `<Contents><Key>${escapeXml(encode(o.key))}</Key><LastModified>${isoTime(o.time)}</LastModified><ETag>&quot;${escapeXml(o.etag)}&quot;</ETag>` +
      `<Size>${o.size}</Size>${owner}<StorageClass>STANDARD</StorageClass></Contents>`;
  }
  return new RawXml(xml);
}

function listParams(req: S3Request) {
  const q = req.query;
  return { prefix: q.get("prefix") ?? "", delimiter: q.get("delimiter") || undefined, limit: maxKeys(q), encode: encoderFor(q) };
}

export function listObjectsV1(req: S3Request, deps: S3Deps): Response {
  const view = readView(deps, req.bucket!);
  const { prefix, delimiter, limit, encode } = listParams(req);
  const marker = req.query.get("marker") ?? "";
  const page = deps.repo.list(view.snapshot, { prefix, delimiter, after: marker || undefined, limit });
  return xmlResponse("ListBucketResult", {
    Name: view.target.name,
    Prefix: encode(prefix),
    Marker: encode(marker),
    NextMarker: page.truncated && delimiter ? encode(page.last ?? "") : undefined,
    MaxKeys: limit,
    Delimiter: delimiter !== undefined ? encode(delimiter) : undefined,
    IsTruncated: page.truncated,
    EncodingType: req.query.get("encoding-type") || undefined,
    Contents: contentsXml(page.objects, encode, true),
    CommonPrefixes: page.prefixes.map((p) => ({ Prefix: encode(p) })),
  }, { headers: view.commit ? { "x-amz-version-id": view.commit } : {} });
}

export function listObjectsV2(req: S3Request, deps: S3Deps): Response {
  const view = readView(deps, req.bucket!);
  const { prefix, delimiter, limit, encode } = listParams(req);
  const token = req.query.get("continuation-token");
  const startAfter = req.query.get("start-after") ?? "";
  // A token wins over start-after: it resumes a listing that already began after start-after.
  const after = token !== null ? resumeAfter(view.target.name, token) : startAfter || undefined;
  const page = deps.repo.list(view.snapshot, { prefix, delimiter, after, limit });
  const owner = req.query.get("fetch-owner") === "true";
  return xmlResponse("ListBucketResult", {
    Name: view.target.name,
    Prefix: encode(prefix),
    Delimiter: delimiter !== undefined ? encode(delimiter) : undefined,
    MaxKeys: limit,
    EncodingType: req.query.get("encoding-type") || undefined,
    KeyCount: page.objects.length + page.prefixes.length,
    IsTruncated: page.truncated,
    ContinuationToken: token ?? undefined,
    NextContinuationToken: page.truncated && page.last !== undefined ? continuationToken(view.target.name, page.last) : undefined,
    StartAfter: startAfter ? encode(startAfter) : undefined,
    Contents: contentsXml(page.objects, encode, owner),
    CommonPrefixes: page.prefixes.map((p) => ({ Prefix: encode(p) })),
  }, { headers: view.commit ? { "x-amz-version-id": view.commit } : {} });
}
