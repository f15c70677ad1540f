// PutObject: stream the body into chunks, then commit one version (atomic with If-None-Match / If-Match).
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { describedBy, quoteEtag } from "../object-headers.ts";
import { checkObjectAcl } from "../canned-acl.ts";
import { checkKeyLength, ingestObject, versionHeaders, writeOptions } from "../object-writes.ts";
import { writeTarget } from "../targets.ts";
import { declaredLength } from "../payload/decode-payload.ts";
import { requestedTags } from "../tagging.ts";

export async function putObject(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  checkObjectAcl(req.headers, deps, target);
  if (req.key!.length === 0) throw new S3Error("InvalidArgument", "An object key must not be empty.");
  checkKeyLength(req.key!);
  // x-amz-tagging is checked before a byte is stored (API_PutObject: "The tag-set for the object").
  const described = { ...describedBy(req.headers), tags: requestedTags(req.headers) };
  const stored = await ingestObject(deps, req.body, deps.config.maxObjectSize, declaredLength(req.headers));
  const checksums = req.verifiedChecksums();
  const checksum = Object.keys(checksums).length ? { checksums, type: "FULL_OBJECT" as const } : undefined;
  const object = { stored, etag: deps.config.etagMode, description: described, checksum };
  const { manifest, version } = await deps.repo.writeObject(target, req.key!, object, writeOptions(req));
  const headers: Record<string, string> = { etag: quoteEtag(manifest.etag), ...versionHeaders(version) };
  for (const [alg, value] of Object.entries(checksums)) headers[`x-amz-checksum-${alg}`] = value;
  return new Response(null, { status: 200, headers });
}
