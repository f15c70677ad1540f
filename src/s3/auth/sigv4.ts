// AWS Signature Version 4, in the Authorization header and in presigned URLs (query parameters).
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
import { createHash, createHmac } from "node:crypto";
import { hmacSha256 } from "../../hash/hashing.ts";
import { timingSafeEqualText } from "../../util/bytes.ts";
import { S3Error } from "../errors.ts";
import { headerText } from "../header-text.ts";
import { canonicalPath, canonicalQuery } from "./uri-encoding.ts";
import { type AuthOptions, type AuthResult, MAX_CLOCK_SKEW_MS, MAX_PRESIGN_EXPIRES_S, type RequestView, type SigV4Context } from "./types.ts";

export const V4_ALGORITHM = "AWS4-HMAC-SHA256";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

export function deriveSigningKey(secret: string, date: string, region: string, service: string): Uint8Array {
  const kDate = hmacSha256("AWS4" + secret, date);
  return hmacSha256(hmacSha256(hmacSha256(kDate, region), service), "aws4_request");
}

/**
 * Results of a pure function of a string, kept for the last `kept` distinct arguments (all dropped at once when
 * full). A client sends the same credential, signing-key inputs and, within a second, the same date on every
 * request, so parsing and deriving them each time was most of a small request's verification.
 */
function remembered<T>(kept: number): (arg: string, compute: (arg: string) => T) => T {
  const results = new Map<string, T>();
  return (arg, compute) => {
    if (results.has(arg)) return results.get(arg) as T;
    if (results.size >= kept) results.clear();
    const result = compute(arg);
    results.set(arg, result);
    return result;
  };
}

// A signing key depends only on secret, day, region and service, so a client signs a day's requests with one key.
const signingKeys = remembered<Uint8Array>(256);
export const signingKeyFor = (secret: string, c: Credential): Uint8Array =>
  signingKeys(`${c.date}/${c.region}/${c.service}/${secret}`, () => deriveSigningKey(secret, c.date, c.region, c.service));

const amzDates = remembered<number | undefined>(64);
/** "20130524T000000Z" → ms since the epoch; undefined when it is not that shape. */
export const parseAmzDate = (value: string): number | undefined => amzDates(value, parseAmzDateOnce);

function parseAmzDateOnce(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(ms) ? undefined : ms;
}

const toAmzDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");

export interface Credential {
  accessKey: string;
  date: string;
  region: string;
  service: string;
}

/** "AKID/20130524/us-east-1/s3/aws4_request"; the key is everything before the last four parts. */
const credentials = remembered<Credential | undefined>(256);
export const parseCredential = (value: string): Credential | undefined => credentials(value, parseCredentialOnce);

function parseCredentialOnce(value: string): Credential | undefined {
  const parts = value.split("/");
  if (parts.length < 5) return undefined;
  const [date, region, service, terminator] = parts.slice(-4);
  const accessKey = parts.slice(0, -4).join("/");
  if (!accessKey || !/^\d{8}$/.test(date) || !region || service !== "s3" || terminator !== "aws4_request") return undefined;
  return { accessKey, date, region, service };
}

/** Spaces and tabs: the blanks AWS's "Trimall" and @smithy/signature-v4 trim and collapse. */
const SPACES = /[ \t]+/g;
/** Every blank Python's str.split() knows: botocore collapses these too (a no-break space, say). */
const PYTHON_BLANKS = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const NON_ASCII = /[^\x00-\x7f]/;

const collapse = (value: string, blanks: RegExp): string => value.replace(blanks, " ").replace(/^ | $/g, "");

/**
 * The signed headers as the signers write them: the text the client sent (header-text.ts: non-ASCII values are
 * bytes here, and the byte 0xA0 inside a UTF-8 character is no blank), trimmed, each run of blanks one space.
 * Signers disagree on which blanks count once a value is not ASCII, so such values give a second form.
 */
function canonicalHeaderForms(headers: Headers, signed: string[]): string[] {
  const values = signed.map((name) => headerText(headers.get(name) ?? ""));
  const form = (blanks: RegExp) => values.map((value, i) => `${signed[i]}:${collapse(value, blanks)}\n`).join("");
  const forms = [form(SPACES)];
  if (values.some((value) => NON_ASCII.test(value))) {
    const python = form(PYTHON_BLANKS);
    if (python !== forms[0]) forms.push(python);
  }
  return forms;
}

interface Signed {
  credential: Credential;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  payloadHash: string;
  /** Query string to sign (presigned URLs sign all parameters except the signature itself). */
  query: string;
}

// Hex digests of the canonical request and string to sign (a few hundred bytes, once per request) straight from
// node:crypto, as sigv2 takes its HMAC: the generic byte interface cost an encoding, two copies and a hex loop.
const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");
const hmacSha256Hex = (key: Uint8Array, text: string): string => createHmac("sha256", key).update(text).digest("hex");

/**
 * Recomputes the signature and compares it in constant time. The canonical path is tried as the
 * signers encode it and, when a client sent a differently encoded path, exactly as sent: both name
 * the same key, and both need the secret to produce. So are the forms of non-ASCII header values.
 */
function verify(req: RequestView, s: Signed, secret: string | undefined): SigV4Context | undefined {
  if (secret === undefined) return undefined;
  const scope = `${s.credential.date}/${s.credential.region}/${s.credential.service}/aws4_request`;
  const signingKey = signingKeyFor(secret, s.credential);
  const paths = [canonicalPath(req.rawPath)];
  if (req.rawPath !== "" && req.rawPath !== paths[0]) paths.push(req.rawPath);
  const headerForms = canonicalHeaderForms(req.headers, s.signedHeaders);
  for (const path of paths) {
    for (const headers of headerForms) {
      const request = [req.method.toUpperCase(), path, s.query, headers, s.signedHeaders.join(";"), s.payloadHash].join("\n");
      const stringToSign = `${V4_ALGORITHM}\n${s.amzDate}\n${scope}\n${sha256Hex(request)}`;
      const expected = hmacSha256Hex(signingKey, stringToSign);
      if (timingSafeEqualText(expected, s.signature)) return { seedSignature: expected, signingKey, scope, amzDate: s.amzDate };
    }
  }
  throw new S3Error("SignatureDoesNotMatch");
}

/** The secret to verify with; undefined when any credentials are accepted (auth off). */
export function secretOf(options: AuthOptions, accessKey: string): string | undefined {
  if (options.anyCredentials?.()) return undefined;
  const secret = options.secretFor(accessKey);
  if (secret === undefined) throw new S3Error("InvalidAccessKeyId");
  return secret;
}

const headerMalformed = (why: string) => new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; ${why}`);

/** The fields of an Authorization header; of comma-separated `name=value` parts, the last of each name counts. */
interface AuthorizationFields {
  credentialText?: string;
  signedText?: string;
  signature?: string;
}

const NO_FIELDS: AuthorizationFields = {};

/** The fields with one more `name=value` part read. */
function withPart(fields: AuthorizationFields, part: string): AuthorizationFields {
  const eq = part.indexOf("=");
  if (eq <= 0) return fields;
  const value = part.slice(eq + 1).trim();
  switch (part.slice(0, eq).trim()) {
    case "Credential":
      return { ...fields, credentialText: value };
    case "SignedHeaders":
      return { ...fields, signedText: value };
    case "Signature":
      return { ...fields, signature: value };
  }
  return fields;
}

const fieldsOfParts = (text: string): AuthorizationFields => text.slice(V4_ALGORITHM.length).split(",").reduce(withPart, NO_FIELDS);

// A client repeats its header but for the last part (the Signature, as every SDK writes it): what comes before
// the last comma is read once per client.
const headFields = remembered<AuthorizationFields>(256);

function authorizationFields(authorization: string): AuthorizationFields {
  const comma = authorization.lastIndexOf(",");
  if (comma < 0) return fieldsOfParts(authorization);
  return withPart(headFields(authorization.slice(0, comma), fieldsOfParts), authorization.slice(comma + 1));
}

/** `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` */
export function verifyV4Header(req: RequestView, authorization: string, options: AuthOptions): AuthResult {
  const { credentialText, signedText, signature } = authorizationFields(authorization);
  if (!credentialText || !signedText || !signature) throw headerMalformed("missing Credential, SignedHeaders or Signature.");
  const credential = parseCredential(credentialText);
  if (!credential) {
    throw headerMalformed('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/s3/aws4_request".');
  }
  const secret = secretOf(options, credential.accessKey);

  const amzDate = req.headers.get("x-amz-date") ?? dateHeaderAsAmzDate(req.headers.get("date"));
  const time = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || time === undefined) {
    throw new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  }
  if (amzDate.slice(0, 8) !== credential.date) throw headerMalformed("Invalid credential date. Date is not the same as X-Amz-Date.");
  checkSkew(time, options.now ?? Date.now());

  const signedHeaders = signedText.split(";");
  if (!signedHeaders.includes("host")) throw headerMalformed("SignedHeaders must include host.");
  const payloadHash = req.headers.get("x-amz-content-sha256");
  if (payloadHash === null) throw new S3Error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256");

  // auth off (no secret): nothing to recompute, so the canonical query is not built either
  const v4 = secret === undefined ? undefined : verify(req, { credential, amzDate, signedHeaders, signature, payloadHash, query: canonicalQuery(req.rawQuery) }, secret);
  return { kind: "signed", accessKey: credential.accessKey, scheme: "v4-header", v4 };
}

function dateHeaderAsAmzDate(value: string | null): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : toAmzDate(ms);
}

export function checkSkew(requestTime: number, now: number): void {
  if (Math.abs(now - requestTime) > MAX_CLOCK_SKEW_MS) {
    throw new S3Error("RequestTimeTooSkewed", undefined, {
      RequestTime: new Date(requestTime).toISOString(),
      ServerTime: new Date(now).toISOString(),
      MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
    });
  }
}

const queryError = (message: string) => new S3Error("AuthorizationQueryParametersError", message);

/** Presigned URL: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature. */
export function verifyV4Query(req: RequestView, params: ReadonlyMap<string, string>, options: AuthOptions): AuthResult {
  const credentialText = params.get("X-Amz-Credential");
  const amzDate = params.get("X-Amz-Date");
  const expiresText = params.get("X-Amz-Expires");
  const signedText = params.get("X-Amz-SignedHeaders");
  const signature = params.get("X-Amz-Signature");
  if (!credentialText || !amzDate || !expiresText || !signedText || !signature) {
    throw queryError(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  const credential = parseCredential(credentialText);
  if (!credential) {
    throw queryError('Error parsing the X-Amz-Credential parameter; expecting "<YOUR-AKID>/YYYYMMDD/REGION/s3/aws4_request".');
  }
  const time = parseAmzDate(amzDate);
  if (time === undefined) throw queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (amzDate.slice(0, 8) !== credential.date) throw queryError("Invalid credential date. Date is not the same as X-Amz-Date.");
  if (!/^\d+$/.test(expiresText)) throw queryError("X-Amz-Expires should be a number");
  const expires = Number(expiresText);
  if (expires > MAX_PRESIGN_EXPIRES_S) {
    throw queryError("X-Amz-Expires must be less than a week (in seconds) that is; 604800 seconds");
  }
  const secret = secretOf(options, credential.accessKey);
  const now = options.now ?? Date.now();
  // A URL signed by a clock running ahead is accepted within the usual skew, not beyond it.
  if (time - now > MAX_CLOCK_SKEW_MS) throw new S3Error("AccessDenied", "Request is not valid yet");
  if (now > time + expires * 1000) throw new S3Error("AccessDenied", "Request has expired");

  const signedHeaders = signedText.split(";");
  if (!signedHeaders.includes("host")) throw queryError("X-Amz-SignedHeaders must include host.");
  const payloadHash = params.get("X-Amz-Content-Sha256") ?? req.headers.get("x-amz-content-sha256") ?? UNSIGNED_PAYLOAD;
  const query = canonicalQuery(req.rawQuery, "X-Amz-Signature");
  const v4 = verify(req, { credential, amzDate, signedHeaders, signature, payloadHash, query }, secret);
  return { kind: "signed", accessKey: credential.accessKey, scheme: "v4-query", v4 };
}
