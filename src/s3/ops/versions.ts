// ListObjectVersions: per key, the commits that changed it, newest first, with delete markers.
import { isoTime } from "../../util/time.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { quoteEtag } from "../object-headers.ts";
import { OWNER, xmlResponse } from "../respond.ts";
import type { XmlObject } from "../xml.ts";
import { readView } from "../targets.ts";
import { encoderFor, maxKeys } from "../list-params.ts";

export function listObjectVersions(req: S3Request, deps: S3Deps): Response {
  const view = readView(deps, req.bucket!);
  const q = req.query;
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") || undefined;
  const limit = maxKeys(q);
  const encode = encoderFor(q);
  const keyMarker = q.get("key-marker") ?? "";
  const versionMarker = q.get("version-id-marker") ?? "";
  const versions: XmlObject[] = [];
  const markers: XmlObject[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let next: { key: string; version: string } | undefined;
  // With a version-id-marker, resume inside key-marker's history; otherwise after key-marker (or its folder).
  const bound = keyMarker && versionMarker ? { from: keyMarker } : keyMarker ? { after: keyMarker } : {};
  let skipping = Boolean(keyMarker && versionMarker);
  let count = 0;
  for (const item of deps.repo.listVersions(view.snapshot, { prefix, delimiter, ...bound })) {
    if ("prefix" in item) {
      if (count >= limit) {
        truncated = limit > 0;
        break;
      }
      prefixes.push(item.prefix);
      next = { key: item.prefix, version: "" };
      count++;
      continue;
    }
    if (skipping) {
      if (item.key !== keyMarker) skipping = false;
      else {
        if (item.commit === versionMarker) skipping = false;
        continue;
      }
    }
    if (count >= limit) {
      truncated = limit > 0; // max-keys=0 asks for nothing, not for a next page
      break;
    }
    const common = { Key: encode(item.key), VersionId: item.commit, IsLatest: item.latest, LastModified: isoTime(item.time), Owner: OWNER };
    if (!item.deleteMarker) versions.push({ ...common, ETag: quoteEtag(item.etag), Size: item.size, StorageClass: "STANDARD" });
    else markers.push(common);
    next = { key: item.key, version: item.commit };
    count++;
  }
  return xmlResponse("ListVersionsResult", {
    Name: view.target.name,
    Prefix: encode(prefix),
    KeyMarker: encode(keyMarker),
    VersionIdMarker: versionMarker,
    NextKeyMarker: truncated ? encode(next!.key) : undefined,
    NextVersionIdMarker: truncated && next!.version ? next!.version : undefined,
    MaxKeys: limit,
    Delimiter: delimiter !== undefined ? encode(delimiter) : undefined,
    EncodingType: q.get("encoding-type") || undefined,
    IsTruncated: truncated,
    Version: versions,
    DeleteMarker: markers,
    CommonPrefixes: prefixes.map((p) => ({ Prefix: encode(p) })),
  });
}
