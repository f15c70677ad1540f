// ListObjectVersions (AWS API reference): per key, its versions and delete markers interleaved newest first,
// exactly one IsLatest per key, purged versions left out; paged by key-marker and version-id-marker.
import type { VersionEntry } from "../../repo/model.ts";
import { NULL_VERSION, versionIdOf } from "../../repo/purges.ts";
import { isoTime } from "../../util/time.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { encoderFor, maxKeys } from "../list-params.ts";
import { OWNER, xmlResponse } from "../respond.ts";
import { readView } from "../targets.ts";
import { versionIdParam } from "../version-id.ts";
import { RawXml, xmlFragment } from "../xml.ts";

/** One <Version> or <DeleteMarker> element: the two kinds share one list, in the order S3 gives them. */
function versionXml(key: string, e: VersionEntry, latest: boolean): string {
  const common = { Key: key, VersionId: versionIdOf(e), IsLatest: latest, LastModified: isoTime(e.t), Owner: OWNER };
  return e.m
    ? xmlFragment("Version", { ...common, ETag: `"${e.e}"`, Size: e.s, StorageClass: "STANDARD" }).xml
    : xmlFragment("DeleteMarker", common).xml;
}

/**
 * Where a page resumes inside key-marker's history: after the version version-id-marker names, or (when that one
 * was purged since) at the first version older than it; commit ids sort by time along a key's history.
 */
function pastMarker(versionMarker: string): (e: VersionEntry) => "skip" | "resume-after" | "resume-at" {
  return (e) => {
    if (versionIdOf(e) === versionMarker) return "resume-after";
    return versionMarker !== NULL_VERSION && e.c < versionMarker ? "resume-at" : "skip";
  };
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
  const resume = versionMarker ? pastMarker(versionMarker) : undefined;
  let skipping = resume !== undefined;
  let count = 0;
  for (const item of deps.repo.versions.listVersions(view, { prefix, delimiter, ...bound })) {
    const isPrefix = "prefix" in item;
    if (skipping && (isPrefix || item.key !== keyMarker)) skipping = false;
    if (skipping && !isPrefix) {
      const step = resume!(item.entry);
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
    xml += versionXml(encode(item.key), item.entry, item.latest);
    next = { key: item.key, version: versionIdOf(item.entry) };
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
