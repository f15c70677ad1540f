// Building S3 responses: XML documents and error bodies with the headers clients rely on.
import { S3Error } from "./errors.ts";
import type { S3Request } from "./context.ts";
import { type XmlObject, xmlCarries, xmlDocument } from "./xml.ts";
import { utf8 } from "../util/bytes.ts";

/** The owner S3 reports on buckets, objects and uploads: Strata has one. */
export const OWNER = { ID: "strata", DisplayName: "strata" };

/** An XML body as bytes with its Content-Length, which clients see and the request log and metrics count. */
function xmlBody(document: string): { bytes: Uint8Array<ArrayBuffer>; length: string } {
  const bytes = utf8(document) as Uint8Array<ArrayBuffer>;
  return { bytes, length: String(bytes.length) };
}

export function xmlResponse(root: string, body: XmlObject, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const { bytes, length } = xmlBody(xmlDocument(root, body));
  return new Response(bytes, {
    status: init.status ?? 200,
    headers: { "content-type": "application/xml", "content-length": length, ...init.headers },
  });
}

export function errorResponse(err: S3Error, req: Pick<S3Request, "method" | "bucket" | "key" | "requestId" | "path">): Response {
  const headers: Record<string, string> = { "content-type": "application/xml", "x-amz-request-id": req.requestId, ...err.headers };
  // HEAD responses carry no body; a few SDKs read the code from this header instead.
  if (req.method === "HEAD" || err.status === 304) {
    return new Response(null, { status: err.status, headers: { "x-amz-request-id": req.requestId, "x-amz-error-code": err.code, ...err.headers } });
  }
  const resource = req.path; // "" when there is no request to name (unparsable bytes)
  // An element XML 1.0 cannot carry (a key with a control character) is left out: the code must stay readable.
  const extra = Object.fromEntries(Object.entries(err.extra).filter(([, value]) => xmlCarries(value)));
  const { bytes, length } = xmlBody(xmlDocument("Error", { Code: err.code, Message: err.message, ...extra, Resource: resource && xmlCarries(resource) ? resource : undefined, RequestId: req.requestId }, false));
  return new Response(bytes, { status: err.status, headers: { ...headers, "content-length": length } });
}

export function notImplemented(what: string): never {
  throw new S3Error("NotImplemented", `This functionality is not implemented: ${what}.`);
}
