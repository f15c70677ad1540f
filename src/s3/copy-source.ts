// x-amz-copy-source: "/bucket/key?versionId=..." (URL-encoded), and x-amz-copy-source-range.
import type { S3Deps } from "./context.ts";
import { S3Error } from "./errors.ts";
import { checkConditions, findVersion, type LiveVersion } from "./object-lookup.ts";
import { versionIdParam } from "./version-id.ts";

/** The source version, with the bucket and version id the header named. */
export type CopySource = LiveVersion & { bucket: string; versionId?: string };

const malformed = () => new S3Error("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey.", { ArgumentName: "x-amz-copy-source" });

/** The bucket, key and version x-amz-copy-source names; the one parser of the header (authorization uses it too). */
export function parseCopySource(headers: Headers): { bucket: string; key: string; versionId?: string } {
  const raw = headers.get("x-amz-copy-source") ?? "";
  const [pathPart, queryPart] = splitOnce(raw, "?");
  let path: string;
  try {
    path = decodeURIComponent(pathPart);
  } catch {
    throw malformed();
  }
  if (path.startsWith("/")) path = path.slice(1);
  const [bucket, key] = splitOnce(path, "/");
  if (!bucket || !key) throw malformed();
  const versionId = versionIdParam(queryPart ? new URLSearchParams(queryPart).get("versionId") : undefined);
  return { bucket, key, versionId };
}

/** The version the copy source names, once its x-amz-copy-source-if-* conditions hold. */
export function readCopySource(headers: Headers, deps: S3Deps): CopySource {
  const { bucket, key, versionId } = parseCopySource(headers);
  const version = findVersion(deps, bucket, key, versionId);
  checkConditions(headers, version.etag, version.time, "x-amz-copy-source-");
  return { ...version, bucket, versionId };
}

function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + 1)];
}

/** x-amz-copy-source-range: bytes=first-last, both required, within the source. */
export function copyRange(headers: Headers, size: number): { start: number; end: number } | undefined {
  const raw = headers.get("x-amz-copy-source-range");
  if (raw === null) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(raw.trim());
  if (!m) throw new S3Error("InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy", { ArgumentName: "x-amz-copy-source-range", ArgumentValue: raw });
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end >= size) throw new S3Error("InvalidRange", undefined, { RangeRequested: raw, ActualObjectSize: String(size) });
  return { start, end };
}
