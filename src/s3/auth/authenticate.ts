// Entry point of request authentication: finds which scheme a request uses and verifies it.
// With auth off the server passes `anyCredentials`: unsigned requests pass, and so do signed ones whose form and time hold.
import { S3Error } from "../errors.ts";
import { verifyV2Header, verifyV2Query } from "./sigv2.ts";
import { V4_ALGORITHM, verifyV4Header, verifyV4Query } from "./sigv4.ts";
import type { AuthOptions, AuthResult, RequestView } from "./types.ts";
import { parseQuery } from "./uri-encoding.ts";

const V4A_ALGORITHM = "AWS4-ECDSA-P256-SHA256";

const sigV4aNotImplemented = () => new S3Error("NotImplemented", "SigV4a (AWS4-ECDSA-P256-SHA256) signatures are not supported.");

/** The parameters of a request without a query (most): read, never written. */
const NO_PARAMS: ReadonlyMap<string, string> = new Map();

/** Whether a request's query carries SigV4 query authentication (a presigned URL). */
export const isPresignedV4 = (params: { has(name: string): boolean }): boolean => params.has("X-Amz-Algorithm") || params.has("X-Amz-Credential");

/**
 * Verifies the request's signature, if it has one. Throws S3Error (SignatureDoesNotMatch,
 * InvalidAccessKeyId, AccessDenied, RequestTimeTooSkewed, AuthorizationHeaderMalformed,
 * AuthorizationQueryParametersError, InvalidArgument, NotImplemented) when it does not hold.
 * Async so that a secret lookup or a WASM HMAC may become asynchronous without changing callers.
 */
export async function authenticate(req: RequestView, options: AuthOptions): Promise<AuthResult> {
  const authorization = req.headers.get("authorization") ?? "";
  const params = req.rawQuery === "" ? NO_PARAMS : new Map(parseQuery(req.rawQuery));
  const presignedV4 = isPresignedV4(params);
  const presignedV2 = params.has("AWSAccessKeyId") || params.has("Signature");

  if (Number(authorization !== "") + Number(presignedV4) + Number(presignedV2) > 1) {
    throw new S3Error(
      "InvalidArgument",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
    );
  }
  if (authorization.startsWith(V4_ALGORITHM + " ")) return verifyV4Header(req, authorization, options);
  if (authorization.startsWith(V4A_ALGORITHM)) throw sigV4aNotImplemented();
  if (authorization.startsWith("AWS ")) return verifyV2Header(req, authorization, options);
  if (authorization !== "") throw new S3Error("InvalidArgument", "Unsupported Authorization Type");

  if (presignedV4) {
    const algorithm = params.get("X-Amz-Algorithm");
    if (algorithm === V4A_ALGORITHM) throw sigV4aNotImplemented();
    if (algorithm !== V4_ALGORITHM) {
      throw new S3Error("AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
    }
    return verifyV4Query(req, params, options);
  }
  if (presignedV2) return verifyV2Query(req, params, options);
  return { kind: "anonymous" };
}
