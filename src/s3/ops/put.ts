// PutObject: stream the body into chunks, then commit one version (atomic with If-None-Match / If-Match).
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { describedBy, quoteEtag } from "../object-headers.ts";
import { commitObject, storeObject } from "../object-writes.ts";
import { checkObjectAcl } from "../canned-acl.ts";
import { writeTarget } from "../targets.ts";

export async function putObject(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  checkObjectAcl(req.headers, deps, target);
  if (req.key!.length === 0) throw new S3Error("InvalidArgument", "An object key must not be empty.");
  if (new TextEncoder().encode(req.key!).length > 1024) throw new S3Error("KeyTooLongError");
  const described = describedBy(req.headers);
  const manifest = await storeObject(deps, req.body, described, { maxSize: deps.config.maxObjectSize, checksums: req.verifiedChecksums });
  const headers: Record<string, string> = { etag: quoteEtag(manifest.etag), ...(await commitObject(req, deps, target, manifest)) };
  for (const [alg, value] of Object.entries(manifest.checksums ?? {})) headers[`x-amz-checksum-${alg}`] = value;
  return new Response(null, { status: 200, headers });
}
