// AWS Signature Version 2 (HMAC-SHA1), in the Authorization header (`AWS key:signature`) and in
// presigned URLs (AWSAccessKeyId, Expires, Signature). Old, but boto's HmacV1Auth and s3cmd still speak it.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
import { createHmac } from "node:crypto";
import { fromBase64, timingSafeEqual } from "../../util/bytes.ts";
import { S3Error } from "../errors.ts";
import { headerText } from "../header-text.ts";
import { canonicalPath, parseQuery } from "./uri-encoding.ts";
import { checkSkew, secretOf } from "./sigv4.ts";
import { type AuthOptions, type AuthResult, MAX_PRESIGN_EXPIRES_S, type RequestView } from "./types.ts";

/** Query parameters that name a sub-resource and so belong to the signed resource. */
const SUB_RESOURCES = new Set([
  "accelerate", "acl", "analytics", "cors", "delete", "encryption", "inventory", "legal-hold", "lifecycle",
  "location", "logging", "metrics", "notification", "object-lock", "partNumber", "policy", "replication",
  "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
  "response-content-language", "response-content-type", "response-expires", "restore", "retention", "select",
  "select-type", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
]);

function subResources(rawQuery: string): string {
  const picked = parseQuery(rawQuery).filter(([name]) => SUB_RESOURCES.has(name));
  if (picked.length === 0) return "";
  picked.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return "?" + picked.map(([name, value]) => (value === "" ? name : `${name}=${value}`)).join("&");
}

function amzHeaders(headers: Headers): string {
  const picked: [string, string][] = [];
  headers.forEach((value, name) => {
    // Headers yields lower-case names; values are signed trimmed, as the text the client sent (header-text.ts).
    if (name.startsWith("x-amz-")) picked.push([name, headerText(value).trim()]);
  });
  picked.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return picked.map(([name, value]) => `${name}:${value}\n`).join("");
}

/**
 * The resources a client may have signed: the path as signers encode it, and exactly as sent; for a
 * bucket-only path also with the trailing '/' botocore signs ("/bucket/" for a request to "/bucket").
 */
function resources(req: RequestView): string[] {
  const prefix = req.virtualHostBucket ? "/" + req.virtualHostBucket : "";
  const sub = subResources(req.rawQuery);
  const paths = [canonicalPath(req.rawPath)];
  if (req.rawPath !== "" && req.rawPath !== paths[0]) paths.push(req.rawPath);
  if (!prefix && /^\/[^/]+$/.test(paths[0])) paths.push(paths[0] + "/");
  return paths.map((path) => prefix + path + sub);
}

function verify(req: RequestView, accessKey: string, signature: string, dateOrExpires: string, options: AuthOptions): void {
  const secret = secretOf(options, accessKey);
  let given: Uint8Array;
  try {
    given = fromBase64(signature);
  } catch {
    throw new S3Error("SignatureDoesNotMatch");
  }
  if (secret === undefined) return;
  const head = [
    req.method.toUpperCase(),
    req.headers.get("content-md5") ?? "",
    req.headers.get("content-type") ?? "",
    dateOrExpires,
  ].join("\n") + "\n" + amzHeaders(req.headers);
  for (const resource of resources(req)) {
    const expected = new Uint8Array(createHmac("sha1", secret).update(head + resource).digest());
    if (timingSafeEqual(expected, given)) return;
  }
  throw new S3Error("SignatureDoesNotMatch");
}

/** `Authorization: AWS <key>:<base64 signature>` */
export function verifyV2Header(req: RequestView, authorization: string, options: AuthOptions): AuthResult {
  const credentials = authorization.slice("AWS ".length).trim();
  const colon = credentials.lastIndexOf(":");
  if (colon <= 0) throw new S3Error("AuthorizationHeaderMalformed", "The authorization header is malformed; expecting \"AWS <key>:<signature>\".");
  const accessKey = credentials.slice(0, colon);
  const signature = credentials.slice(colon + 1);
  // With x-amz-date the Date line is signed empty (the Date header may be one a proxy rewrote).
  const amzDate = req.headers.get("x-amz-date");
  const date = amzDate ?? req.headers.get("date");
  const time = date ? Date.parse(date) : NaN;
  if (Number.isNaN(time)) throw new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  checkSkew(time, options.now ?? Date.now());
  verify(req, accessKey, signature, amzDate !== null ? "" : (date ?? ""), options);
  return { kind: "signed", accessKey, scheme: "v2-header" };
}

/** `?AWSAccessKeyId=...&Expires=<epoch seconds>&Signature=...` */
export function verifyV2Query(req: RequestView, params: ReadonlyMap<string, string>, options: AuthOptions): AuthResult {
  const accessKey = params.get("AWSAccessKeyId");
  const expires = params.get("Expires");
  const signature = params.get("Signature");
  if (!accessKey || !expires || !signature) {
    throw new S3Error(
      "AuthorizationQueryParametersError",
      "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
    );
  }
  if (!/^\d+$/.test(expires)) throw new S3Error("AuthorizationQueryParametersError", "Expires must be a number of seconds since the epoch");
  const now = options.now ?? Date.now();
  // SigV2 names no lifetime, only an end: a URL may not end further ahead than a SigV4 one could.
  if (Number(expires) * 1000 - now > MAX_PRESIGN_EXPIRES_S * 1000) {
    throw new S3Error("AuthorizationQueryParametersError", `Expires must be less than a week (in seconds) from now; that is, ${MAX_PRESIGN_EXPIRES_S} seconds`);
  }
  if (now > Number(expires) * 1000) throw new S3Error("AccessDenied", "Request has expired");
  verify(req, accessKey, signature, expires, options);
  return { kind: "signed", accessKey, scheme: "v2-query" };
}
