// The S3 endpoint: addressing (path and virtual-host style), dispatch, errors, request ids. A fetch handler that
// the server app (server-app.ts) mounts as its catch-all route: S3 has one route (every path), and the
// operations table (operations.ts) does the dispatch.
import { RepoError } from "../repo/errors.ts";
import { UnavailableError } from "../util/unavailable.ts";
import { randomHex } from "../util/bytes.ts";
import { actualRequestCorsHeaders } from "./cors.ts";
import { classify, OPERATIONS, unsupportedSubresource } from "./operations.ts";
import type { S3Deps, S3Request } from "./context.ts";
import { S3Error, unavailable } from "./errors.ts";
import { errorResponse, notImplemented } from "./respond.ts";
import { authenticateRequest, type RequestAuthOptions } from "./request-auth.ts";
import { withPresignedHeaders } from "./presigned-headers.ts";
import { isPresignedV4 } from "./auth/authenticate.ts";
import type { Authorizer } from "./access-policy.ts";
import { fromRepoError } from "./targets.ts";
import { hostnameOf, isLocalHostname } from "./host.ts";
import { RequestBodyError, requestTarget, splitTarget } from "../runtime/request-target.ts";

export interface S3AppOptions {
  /** Host names under which `bucket.<domain>` addresses a bucket (virtual-host style). */
  domains: string[];
  /** Secrets for access keys (auth layer); with auth off, every key is its own secret. */
  auth: RequestAuthOptions;
  /** With auth on: refuses (AccessDenied) what the request's user has no role for; see access-policy.ts. */
  authorize?: Authorizer;
  /** Called once per request, with its final response, with what the log and metrics need. */
  observe?: (event: { req: S3Request; operation: string; response: Response; started: number }) => void;
}

/** Splits the request's path (as sent) into bucket and key, honouring virtual-host style addressing. */
export function addressOf(path: string, host: string | null, domains: string[]): { bucket?: string; key?: string; virtualHost?: boolean } {
  const hostname = hostnameOf(host);
  for (const domain of domains) {
    if (hostname.endsWith(`.${domain}`)) {
      const bucket = hostname.slice(0, -domain.length - 1);
      const rest = path.slice(1);
      return { bucket, key: rest === "" ? undefined : decodePathPart(rest), virtualHost: true };
    }
  }
  const slash = path.indexOf("/", 1);
  if (path === "/" || path === "") return {};
  if (slash < 0) return { bucket: decodePathPart(path.slice(1)) };
  const key = path.slice(slash + 1);
  return { bucket: decodePathPart(path.slice(1, slash)), key: key === "" ? undefined : decodePathPart(key) };
}

/**
 * A bucket name or key from the path, percent-decoded as UTF-8. Bytes that are not UTF-8 are InvalidURI: read
 * as U+FFFD, two different keys would be one.
 */
function decodePathPart(s: string): string {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error("InvalidURI", "Couldn't parse the specified URI: the path is not percent-encoded UTF-8.");
  }
}

// Request ids: a random prefix per process and a counter, unique without drawing random bytes per request.
const REQUEST_ID_PREFIX = randomHex(4).toUpperCase();
let requestCount = 0;
const nextRequestId = () => REQUEST_ID_PREFIX + (requestCount++).toString(16).toUpperCase().padStart(8, "0");

const NO_CHECKSUMS = () => ({});

/** The S3 endpoint's request handler. */
export type S3Endpoint = (raw: Request) => Promise<Response>;

export function createS3Endpoint(deps: S3Deps, options: S3AppOptions): S3Endpoint {
  return async (raw) => {
    const { path, query } = splitTarget(requestTarget(raw));
    const started = performance.now();
    const params = new URLSearchParams(query);
    const req: S3Request = {
      method: raw.method,
      path,
      search: query,
      scheme: schemeOf(raw),
      headers: raw.headers,
      query: params,
      body: null, // set by authentication: the verified payload
      verifiedChecksums: NO_CHECKSUMS,
      requestId: nextRequestId(),
    };
    let operation = "Unknown";
    let response: Response;
    try {
      if (isPresignedV4(params)) req.headers = withPresignedHeaders(raw.headers, params);
      Object.assign(req, addressOf(path, raw.headers.get("host"), options.domains));
      const unsupported = query === "" ? undefined : unsupportedSubresource(req.query);
      if (unsupported) notImplemented(`the ?${unsupported} sub-resource`);
      const op = classify(req);
      if (!op) throw new S3Error("MethodNotAllowed");
      operation = op;
      const spec = OPERATIONS[op];
      const credentials = "credentials" in spec ? spec.credentials : "request";
      const auth = credentials === "none" ? { kind: "anonymous" as const } : await authenticateRequest(req, raw, options.auth);
      if (credentials === "form") req.formAuth = { credentials: options.auth, authorize: (signer) => options.authorize?.(signer, op, req, deps) };
      else options.authorize?.(auth, op, req, deps);
      response = await spec.handler(req, deps);
    } catch (err) {
      response = errorResponse(toS3Error(err, req.bucket), req);
    }
    // A browser may read an answer (errors too) only with the Access-Control headers of a rule that allows it.
    if (operation !== "PreflightCors") {
      const cors = actualRequestCorsHeaders(req, deps);
      if (cors) for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
    }
    response.headers.set("x-amz-request-id", req.requestId);
    response.headers.set("server", "Strata");
    options.observe?.({ req, operation, response, started });
    return response;
  };
}

const schemeOf = (raw: Request) => (raw.url.startsWith("https:") ? "https" : "http");

/** An S3 error answered outside the S3 endpoint (before routing, at the serve layer), with a fresh request id. */
export function requestErrorResponse(err: S3Error, raw: Request): Response {
  const requestId = nextRequestId();
  const response = errorResponse(err, { method: raw.method, bucket: undefined, key: undefined, path: splitTarget(requestTarget(raw)).path, requestId });
  response.headers.set("server", "Strata");
  return response;
}

/**
 * The answer to bytes the HTTP parser could not read as a request (the serve layer's onBadRequest): S3's error
 * XML, as for every other refusal, with a fresh request id and no resource (there is no request to name).
 */
export function unparsableRequestResponse(tooLarge: boolean): Response {
  const err = tooLarge ? new S3Error("RequestHeaderSectionTooLarge") : new S3Error("BadRequest", "The request is not well-formed HTTP/1.1.");
  const response = errorResponse(err, { method: "GET", bucket: undefined, key: undefined, path: "", requestId: nextRequestId() });
  response.headers.set("server", "Strata");
  return response;
}

/**
 * The answer to a request whose Host header is missing or not a host, before it is routed anywhere (S3, admin
 * API, console); with `localOnly`, also to one whose Host names neither this machine nor a --domain (see
 * isLocalHostname); undefined for every other request.
 */
export function badHostResponse(raw: Request, localOnly?: { domains: readonly string[] }): Response | undefined {
  try {
    const hostname = hostnameOf(raw.headers.get("host"));
    if (localOnly && !isLocalHostname(hostname, localOnly.domains)) {
      throw new S3Error(
        "AccessDenied",
        `This server serves this machine only (auth off, loopback) and does not answer to the host name ${hostname}, which a web page may have pointed here (DNS rebinding). Use localhost or 127.0.0.1, or name the host with --domain.`,
      );
    }
    return undefined;
  } catch (err) {
    if (!(err instanceof S3Error)) throw err;
    return requestErrorResponse(err, raw);
  }
}

/**
 * The answer to any request whose handling threw where nothing else caught it (the serve layer): InternalError
 * XML with a request id, never the runtime's error page or a stack; the log line has the stack.
 */
export function internalErrorResponse(err: unknown, raw: Request): Response {
  const response = requestErrorResponse(new S3Error("InternalError"), raw);
  console.error(`internal error (request ${response.headers.get("x-amz-request-id")}):`, err);
  return response;
}

/** Any failure as the S3 error a client gets; repo errors name the request's bucket (e.g. NoSuchBucket, BucketNotEmpty). */
function toS3Error(err: unknown, bucket: string | undefined): S3Error {
  if (err instanceof S3Error) return err;
  if (err instanceof RepoError) return fromRepoError(err, bucket);
  if (err instanceof UnavailableError) return unavailable(err);
  if (err instanceof RequestBodyError) return new S3Error("IncompleteBody", `The request body was cut short or malformed (${err.message}).`);
  console.error("internal error:", err);
  return new S3Error("InternalError");
}
