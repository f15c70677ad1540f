// ListObjectVersions (AWS API reference): per key, its versions and delete markers interleaved newest first,
// exactly one IsLatest per key, purged versions left out; paged by key-marker and version-id-marker.
import { NULL_VERSION } from "../../repo/purges.ts";
import type { VersionSummary } from "../../repo/service.ts";
import { isoTime } from "../../util/time.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { encoderFor, maxKeys } from "../list-params.ts";
import { OWNER, xmlResponse } from "../respond.ts";
import { readView } from "../targets.ts";
import { versionIdParam } from "../version-id.ts";
import { RawXml, xmlFragment } from "../xml.ts";

/** One <Version> or <DeleteMarker> element: the two kinds share one list, in the order S3 gives them. */
function versionXml(key: string, v: VersionSummary, latest: boolean): string {
  const common = { Key: key, VersionId: v.version, IsLatest: latest, LastModified: isoTime(v.time), Owner: OWNER };
  return !v.deleteMarker
    ? xmlFragment("Version", { ...common, ETag: `"${v.etag}"`, Size: v.size, StorageClass: "STANDARD" }).xml
    : xmlFragment("DeleteMarker", common).xml;
}

/**
 * Where a page resumes inside key-marker's history: after the version version-id-marker names while it is still
 * there; when it was purged since, at the first version older than it (commit ids sort by time). The comparison
 * is used only then: two commits of one millisecond compare by their random part, so a newer version could sort
 * below a marker that is still listed and be listed twice.
 */
function pastMarker(versionMarker: string, markerListed: boolean): (v: VersionSummary) => "skip" | "resume-after" | "resume-at" {
  return (v) => {
    if (v.version === versionMarker) return "resume-after";
    return !markerListed && versionMarker !== NULL_VERSION && v.commit < versionMarker ? "resume-at" : "skip";
  };
}

/** Whether key's history still lists the version named by versionId. */
function listsVersion(deps: S3Deps, snapshot: Parameters<S3Deps["repo"]["listVersions"]>[0], key: string, versionId: string): boolean {
  for (const item of deps.repo.listVersions(snapshot, { prefix: key, from: key })) {
    if ("prefix" in item || item.key !== key) return false;
    if (item.version === versionId) return true;
  }
  return false;
}

export function listObjectVersions(req: S3Request, deps: S3Deps): Response {
  const view = readView(deps, req.bucket!);
  const q = req.query;
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") || undefined;
  const limit = maxKeys(q);
  const encode = encoderFor(q);
  const keyMarker = q.get("key-marker") ?? "";
  const versionMarker = q.get("version-id-marker") ?? "";
  if (versionMarker && !keyMarker) throw new S3Error("InvalidArgument", "A version-id marker cannot be specified without a key marker.", { ArgumentName: "version-id-marker", ArgumentValue: versionMarker });
  if (versionMarker) versionIdParam(versionMarker);
  let xml = "";
  const prefixes: string[] = [];
  let truncated = false;
  let next: { key: string; version: string } | undefined;
  // With a version-id-marker, resume inside key-marker's history; otherwise after key-marker (or its folder).
  const bound = keyMarker && versionMarker ? { from: keyMarker } : keyMarker ? { after: keyMarker } : {};
  const resume = versionMarker ? pastMarker(versionMarker, listsVersion(deps, view.snapshot, keyMarker, versionMarker)) : undefined;
  let skipping = resume !== undefined;
  let count = 0;
  for (const item of deps.repo.listVersions(view.snapshot, { prefix, delimiter, ...bound })) {
    const isPrefix = "prefix" in item;
    if (skipping && (isPrefix || item.key !== keyMarker)) skipping = false;
    if (skipping && !isPrefix) {
      const step = resume!(item);
      if (step === "skip") continue;
      skipping = false;
      if (step === "resume-after") continue;
    }
    if (count >= limit) {
      truncated = limit > 0; // max-keys=0 asks for nothing, not for a next page
      break;
    }
    count++;
    if (isPrefix) {
      prefixes.push(item.prefix);
      next = { key: item.prefix, version: "" };
      continue;
    }
    xml += versionXml(encode(item.key), item, item.latest);
    next = { key: item.key, version: item.version };
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
    Versions: new RawXml(xml),
    CommonPrefixes: prefixes.map((p) => ({ Prefix: encode(p) })),
  });
}
