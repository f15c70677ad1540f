// Finding the version of a key a request addresses, and the read conditions (If-Match and friends).
import { RepoError } from "../repo/errors.ts";
import type { ObjectVersion } from "../repo/service.ts";
import { parseHttpDate } from "../util/time.ts";
import type { S3Deps } from "./context.ts";
import { S3Error } from "./errors.ts";
import { etagMatches } from "./object-headers.ts";
import { readView } from "./targets.ts";

/** A live version (not a delete marker), with its manifest. */
export type LiveVersion = Extract<ObjectVersion, { deleteMarker: false }>;

/**
 * The key's version the request addresses: the current one, the null version (`versionId=null`), or as of
 * `versionId=<commit>` (the version that commit wrote, or the one the key had then). A purged version is gone:
 * naming it answers NoSuchVersion, and reads as of a commit see the version before it.
 */
export function findVersion(deps: S3Deps, bucket: string, key: string, versionId: string | undefined): LiveVersion {
  const view = readView(deps, bucket);
  let version;
  try {
    version = deps.repo.readVersion(view.snapshot, key, versionId);
  } catch (err) {
    if (!(err instanceof RepoError) || err.code !== "NoSuchVersion") throw err;
    throw new S3Error("NoSuchVersion", `The specified version does not exist: ${err.message}.`, { Key: key, VersionId: versionId! });
  }
  if (!version) throw new S3Error("NoSuchKey", undefined, { Key: key });
  if (version.deleteMarker) {
    // S3: a delete marker answers 404 when it is the current version, 405 when asked for by version id.
    const marker = { "x-amz-delete-marker": "true", "x-amz-version-id": version.version };
    throw new S3Error(versionId !== undefined ? "MethodNotAllowed" : "NoSuchKey", undefined, { Key: key }).withHeaders(marker);
  }
  return version;
}

/** If-Match / If-Unmodified-Since fail with 412; If-None-Match / If-Modified-Since with 304 (RFC 7232 order). */
export function checkConditions(headers: Headers, etag: string, lastModified: number, prefix = ""): void {
  const ifMatch = headers.get(`${prefix}if-match`);
  const ifNoneMatch = headers.get(`${prefix}if-none-match`);
  const seconds = Math.floor(lastModified / 1000) * 1000;
  if (ifMatch !== null) {
    if (!etagMatches(ifMatch, etag)) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-Match" });
  } else {
    const since = parseHttpDate(headers.get(`${prefix}if-unmodified-since`));
    if (since !== undefined && seconds > since) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-Unmodified-Since" });
  }
  if (ifNoneMatch !== null) {
    if (etagMatches(ifNoneMatch, etag)) throw notModified(prefix);
  } else {
    const since = parseHttpDate(headers.get(`${prefix}if-modified-since`));
    if (since !== undefined && seconds <= since) throw notModified(prefix);
  }
}

// CopyObject's copy-source conditions fail with 412 where GET's would answer 304.
const notModified = (prefix: string) => (prefix ? new S3Error("PreconditionFailed") : new S3Error("NotModified"));
