// S3 errors: every code Strata answers with, its HTTP status and the message clients show (and users grep for).
// Codes, statuses and default messages follow "Error responses" in the Amazon S3 API Reference
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). A new code goes here first: S3Error
// takes only codes of this table.

import type { UnavailableError } from "../util/unavailable.ts";

export const S3_ERRORS = {
  AccessDenied: [403, "Access Denied"],
  AccessForbidden: [403, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."],
  AuthorizationHeaderMalformed: [400, "The authorization header is malformed."],
  AuthorizationQueryParametersError: [400, "Error parsing the X-Amz-Credential parameter."],
  BadDigest: [400, "The Content-MD5 or checksum value that you specified did not match what the server received."],
  BadRequest: [400, "Bad Request"],
  BucketAlreadyOwnedByYou: [409, "Your previous request to create the named bucket succeeded and you already own it."],
  BucketNotEmpty: [409, "The bucket you tried to delete is not empty."],
  EntityTooLarge: [400, "Your proposed upload exceeds the maximum allowed object size."],
  EntityTooSmall: [400, "Your proposed upload is smaller than the minimum allowed object size."],
  IllegalLocationConstraintException: [400, "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to."],
  IncompleteBody: [400, "You did not provide the number of bytes specified by the Content-Length HTTP header."],
  InternalError: [500, "We encountered an internal error. Please try again."],
  InvalidAccessKeyId: [403, "The AWS Access Key Id you provided does not exist in our records."],
  InvalidArgument: [400, "Invalid Argument"],
  InvalidBucketName: [400, "The specified bucket is not valid."],
  InvalidDigest: [400, "The Content-MD5 or checksum value that you specified is not valid."],
  InvalidPart: [400, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."],
  InvalidPartNumber: [416, "The requested partnumber is not satisfiable"],
  InvalidPartOrder: [400, "The list of parts was not in ascending order. Parts must be ordered by part number."],
  InvalidPolicyDocument: [400, "The content of the form does not meet the conditions specified in the policy document."],
  InvalidRange: [416, "The requested range is not satisfiable"],
  InvalidRequest: [400, "Invalid Request"],
  InvalidTag: [400, "Your request contains tag input that is not valid. For example, your request might contain duplicate keys, keys or values that are too long, or system tags."],
  InvalidURI: [400, "Couldn't parse the specified URI."],
  KeyTooLongError: [400, "Your key is too long"],
  MalformedACLError: [400, "The XML you provided was not well-formed or did not validate against our published schema."],
  MalformedPOSTRequest: [400, "The body of your POST request is not well-formed multipart/form-data."],
  MalformedXML: [400, "The XML you provided was not well-formed or did not validate against our published schema."],
  MaxMessageLengthExceeded: [400, "Your request was too big."],
  MaxPostPreDataLengthExceededError: [400, "Your POST request fields preceeding the upload file was too large."],
  MetadataTooLarge: [400, "Your metadata headers exceed the maximum allowed metadata size."],
  MethodNotAllowed: [405, "The specified method is not allowed against this resource."],
  MissingRequestBodyError: [400, "Request Body is empty"],
  NoSuchBucket: [404, "The specified bucket does not exist."],
  NoSuchCORSConfiguration: [404, "The CORS configuration does not exist"],
  NoSuchKey: [404, "The specified key does not exist."],
  NoSuchTagSet: [404, "The TagSet does not exist"],
  NoSuchUpload: [404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."],
  NoSuchVersion: [404, "The specified version does not exist."],
  NotImplemented: [501, "A header you provided implies functionality that is not implemented."],
  NotModified: [304, "Not Modified"],
  // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (List of error codes): both 503.
  ServiceUnavailable: [503, "Service is unable to handle request."],
  SlowDown: [503, "Please reduce your request rate."],
  PreconditionFailed: [412, "At least one of the pre-conditions you specified did not hold"],
  // S3 allows 8 KiB of request line and headers; ours is the HTTP parser's limit (16 KiB under Bun).
  RequestHeaderSectionTooLarge: [400, "Your request header section exceeds the maximum allowed size."],
  RequestTimeTooSkewed: [403, "The difference between the request time and the current time is too large."],
  SignatureDoesNotMatch: [403, "The request signature we calculated does not match the signature you provided. Check your key and signing method."],
  XAmzContentSHA256Mismatch: [400, "The provided 'x-amz-content-sha256' header does not match what was computed."],
} as const satisfies Record<string, readonly [number, string]>;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export class S3Error extends Error {
  readonly status: number;
  /** Extra elements for the error body, e.g. { Key, VersionId, ExpectedDigest }. */
  readonly extra: Record<string, string>;
  /** Response headers the error carries (e.g. x-amz-delete-marker). */
  headers: Record<string, string> = {};

  /** `message` replaces the table's when it says more (which bucket, which limit). */
  constructor(readonly code: S3ErrorCode, message?: string, extra: Record<string, string> = {}) {
    const [status, standard] = S3_ERRORS[code];
    super(message ?? standard);
    this.status = status;
    this.extra = extra;
  }

  withHeaders(headers: Record<string, string>): this {
    Object.assign(this.headers, headers);
    return this;
  }
}

/**
 * A dependency away or full (PostgreSQL, the object store, the disk): 503 with the table's message, or the error's
 * own message for clients (a full disk says so). Nothing was applied, so the client may retry; the cause (host
 * names, driver errors) is the server's business, not the client's.
 */
export const unavailable = (err: UnavailableError): S3Error => new S3Error(err.code, err.clientMessage);
