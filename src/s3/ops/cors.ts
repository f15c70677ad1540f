// PutBucketCors, GetBucketCors, DeleteBucketCors and the preflight (OPTIONS) a browser sends before a
// cross-origin request. AWS: PutBucketCors / GetBucketCors / DeleteBucketCors API references, "Using
// cross-origin resource sharing (CORS)" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html).
import type { S3Deps, S3Request } from "../context.ts";
import {
  CORS_METHODS,
  CORS_NOT_ALLOWED,
  corsConfigurationXml,
  corsHeaders,
  corsRulesFor,
  type CorsQuery,
  matchCors,
  parseCorsConfiguration,
  requestedHeaders,
} from "../cors.ts";
import { S3Error } from "../errors.ts";
import { xmlResponse } from "../respond.ts";
import { resolveTarget, writeTarget } from "../targets.ts";
import { BODY_LIMITS, boundedText } from "../request-body.ts";
import { parseXml } from "../xml.ts";


export async function putBucketCors(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  const text = await boundedText(req.body, BODY_LIMITS.configuration);
  if (text.trim() === "") throw new S3Error("MissingRequestBodyError", "Request Body is empty");
  const rules = parseCorsConfiguration(parseXml(text));
  await deps.repo.setCorsRules(target.repo, target.branch, rules);
  return new Response(null, { status: 200 });
}

export function getBucketCors(req: S3Request, deps: S3Deps): Response {
  const target = resolveTarget(deps, req.bucket!);
  const rules = deps.repo.corsRules(target.repo, target.branch);
  if (!rules) throw new S3Error("NoSuchCORSConfiguration", undefined, { BucketName: req.bucket! });
  return xmlResponse("CORSConfiguration", corsConfigurationXml(rules));
}

export async function deleteBucketCors(req: S3Request, deps: S3Deps): Promise<Response> {
  const target = writeTarget(deps, req.bucket!);
  if (deps.repo.corsRules(target.repo, target.branch)) await deps.repo.setCorsRules(target.repo, target.branch, null);
  return new Response(null, { status: 204 });
}

/**
 * A preflight: answered from the bucket's rules without credentials (browsers never sign one). Refusals carry
 * no Access-Control headers, so the browser stops there.
 */
export function preflight(req: S3Request, deps: S3Deps): Response {
  const origin = req.headers.get("origin");
  if (origin === null) throw new S3Error("BadRequest", "Insufficient information. Origin request header needed.");
  const method = req.headers.get("access-control-request-method");
  if (method === null || !CORS_METHODS.includes(method)) {
    throw new S3Error("BadRequest", `Invalid Access-Control-Request-Method: ${method ?? "null"}`);
  }
  const forbidden = (message: string) =>
    new S3Error("AccessForbidden", message, { Method: method, ResourceType: req.key !== undefined ? "OBJECT" : "BUCKET" });
  const rules = corsRulesFor(deps, req.bucket);
  if (!rules) {
    const exists = req.bucket !== undefined && bucketExists(deps, req.bucket);
    throw forbidden(exists ? "CORSResponse: CORS is not enabled for this bucket." : "CORSResponse: Bucket not found");
  }
  const q: CorsQuery = { origin, method, headers: requestedHeaders(req.headers.get("access-control-request-headers")) };
  const match = matchCors(rules, q);
  if (!match) throw forbidden(CORS_NOT_ALLOWED);
  return new Response(null, { status: 200, headers: corsHeaders(match, q, true) });
}

function bucketExists(deps: S3Deps, bucket: string): boolean {
  try {
    resolveTarget(deps, bucket);
    return true;
  } catch {
    return false;
  }
}

/** The body as text, refused (MaxMessageLengthExceeded) past `limit` bytes instead of held whole. */
