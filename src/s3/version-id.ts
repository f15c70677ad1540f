// What a request's version id names: the one place that decides it, for GET/HEAD, DELETE, copy sources and
// DeleteObjects entries. A version id is the 32-hex commit that wrote the version, or "null" for the key's null
// version (written while the bucket's versioning was suspended); anything else is refused.
import { COMMIT_ID } from "../repo/ref-names.ts";
import { NULL_VERSION } from "../repo/purges.ts";
import { S3Error } from "./errors.ts";

/** `?versionId=` (or a copy source's): undefined when absent (the current version), else a version id. */
export function versionIdParam(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (raw === NULL_VERSION || COMMIT_ID.test(raw)) return raw;
  throw invalidVersionId(raw);
}

const invalidVersionId = (raw: string): S3Error =>
  new S3Error("InvalidArgument", raw === "" ? "Version id cannot be the empty string" : "Invalid version id specified", { ArgumentName: "versionId", ArgumentValue: raw });
