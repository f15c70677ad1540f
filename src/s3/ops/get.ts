// GetObject and HeadObject: conditional, ranged, by part, by version, with response-* overrides.
import type { ObjectManifest } from "../../repo/model.ts";
import type { S3Deps, S3Request } from "../context.ts";
import { S3Error } from "../errors.ts";
import { objectHeaders } from "../object-headers.ts";
import { checkConditions, findVersion } from "../object-lookup.ts";
import { partNumber } from "../list-params.ts";
import { type ByteRange, parseRange } from "../ranges.ts";
import { versionIdParam } from "../version-id.ts";
import { responseOverrides } from "../response-overrides.ts";
import { setTaggingCount } from "../tagging.ts";
import { sourcedResponse } from "../../runtime/body-source.ts";

function partRange(m: ObjectManifest, n: number): ByteRange {
  const sizes = m.parts ?? [m.size];
  if (n > sizes.length) throw new S3Error("InvalidPartNumber");
  const start = sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
  return { start, end: start + sizes[n - 1] - 1 };
}

/**
 * What a 304 or 412 answer keeps of a 200's headers: ETag and Last-Modified, so a cache can revalidate and a
 * client see what it raced with (AWS sends both; moto#8534 shows real S3's 304), and on a 304 also the
 * Cache-Control and Expires RFC 9110 §15.4.5 requires.
 */
function validators(headers: Headers, status: number): Record<string, string> {
  const kept = status === 304 ? ["etag", "last-modified", "cache-control", "expires"] : ["etag", "last-modified"];
  return Object.fromEntries(kept.filter((name) => headers.has(name)).map((name) => [name, headers.get(name)!]));
}

export function getObject(req: S3Request, deps: S3Deps): Response {
  const version = findVersion(deps, req.bucket!, req.key!, versionIdParam(req.query.get("versionId")));
  const { manifest } = version;
  const headers = objectHeaders(manifest, version.time);
  headers.set("x-amz-version-id", version.version);
  setTaggingCount(headers, version.tags);
  try {
    checkConditions(req.headers, manifest.etag, version.time);
  } catch (err) {
    if (err instanceof S3Error) err.withHeaders(validators(headers, err.status));
    throw err;
  }
  const byPart = req.query.has("partNumber");
  const range = byPart ? partRange(manifest, partNumber(req.query)) : parseRange(req.headers.get("range"), manifest.size);
  if (byPart) headers.set("x-amz-mp-parts-count", String(manifest.parts?.length ?? 1));
  if (req.search !== "") for (const [name, value] of Object.entries(responseOverrides(req.query))) headers.set(name, value);
  if (!range && req.headers.get("x-amz-checksum-mode")?.toUpperCase() === "ENABLED") {
    for (const [alg, value] of Object.entries(manifest.checksums ?? {})) headers.set(`x-amz-checksum-${alg}`, value);
    if (manifest.checksumType) headers.set("x-amz-checksum-type", manifest.checksumType);
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? manifest.size - 1;
  headers.set("content-length", String(Math.max(0, end - start + 1)));
  if (range) headers.set("content-range", `bytes ${start}-${end}/${manifest.size}`);
  const status = range ? 206 : 200;
  if (req.method === "HEAD" || manifest.size === 0) return new Response(null, { status, headers });
  const whole = deps.repo.readSingleChunk(manifest, start, end);
  if (whole) return new Response(whole, { status, headers });
  // The server pulls the pieces from one reused buffer; whoever reads the Response's body instead gets a stream.
  return sourcedResponse(() => deps.repo.readObjectPieces(manifest, start, end), deps.repo.readObject(manifest, start, end), { status, headers });
}
