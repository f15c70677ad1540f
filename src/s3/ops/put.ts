// PutObject: stream the body into chunks, then commit one version (atomic with If-None-Match / If-Match).
import { ObjectTooLargeError } from "../../repo/objects.ts";
import type { ObjectManifest } from "../../repo/model.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { describedBy, quoteEtag } from "../object-headers.ts";
import { checkAcl, commitObject } from "../object-writes.ts";
import { writeTarget } from "../targets.ts";

export async function putObject(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  checkAcl(req.headers);
  if (req.key!.length === 0) throw new S3Error("InvalidArgument", "An object key must not be empty.");
  if (new TextEncoder().encode(req.key!).length > 1024) throw new S3Error("KeyTooLongError");
  const described = describedBy(req.headers);
  let stored;
  try {
    stored = await deps.repo.ingest(req.body, { md5: deps.config.etagMode === "md5", maxSize: deps.config.maxObjectSize });
  } catch (err) {
    if (err instanceof ObjectTooLargeError) throw new S3Error("EntityTooLarge", undefined, { MaxSizeAllowed: String(err.limit) });
    throw err;
  }
  const checksums = req.verifiedChecksums();
  const etag = deps.config.etagMode === "md5" ? stored.md5! : stored.digest;
  const manifest: ObjectManifest = {
    ...described,
    size: stored.size,
    sha256: stored.sha256,
    md5: stored.md5,
    etag,
    time: Date.now(),
    chunks: stored.chunks,
    checksums: Object.keys(checksums).length ? checksums : undefined,
    checksumType: Object.keys(checksums).length ? "FULL_OBJECT" : undefined,
  };
  const headers: Record<string, string> = { etag: quoteEtag(etag), ...(await commitObject(req, deps, target, manifest)) };
  for (const [alg, value] of Object.entries(checksums)) headers[`x-amz-checksum-${alg}`] = value;
  return new Response(null, { status: 200, headers });
}
