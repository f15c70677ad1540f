// The S3 error table and the repo → S3 error mapping.
import { describe, expect, test } from "bun:test";
import { RepoError, type RepoErrorCode } from "../../src/repo/errors.ts";
import { S3_ERRORS, S3Error, type S3ErrorCode, unavailable } from "../../src/s3/errors.ts";
import { fromRepoError } from "../../src/s3/targets.ts";
import { UnavailableError } from "../../src/util/unavailable.ts";

// Each code's status as "List of error codes" in "Error responses", Amazon S3 API Reference, gives it
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList). Codes AWS answers with but
// that list leaves out say where their status comes from.
const AWS_STATUS: Record<S3ErrorCode, number> = {
  AccessDenied: 403,
  // the answer to a CORS preflight no rule allows (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html)
  AccessForbidden: 403,
  AuthorizationHeaderMalformed: 400,
  // presigned URLs with bad X-Amz-* parameters (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html)
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  // a preflight without Origin or with a bad method (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html)
  BadRequest: 400,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IllegalLocationConstraintException: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  // GetObject/HeadObject ?partNumber= past the last part: 416 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax)
  InvalidPartNumber: 416,
  InvalidPartOrder: 400,
  InvalidPolicyDocument: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  // PutObjectTagging / PutBucketTagging input that fails validation (ErrorResponses: InvalidTag, 400)
  InvalidTag: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedACLError: 400,
  MalformedPOSTRequest: 400,
  MalformedXML: 400,
  MaxMessageLengthExceeded: 400,
  MaxPostPreDataLengthExceededError: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  MissingRequestBodyError: 400,
  NoSuchBucket: 404,
  // GetBucketCors on a bucket without rules (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html)
  NoSuchCORSConfiguration: 404,
  NoSuchKey: 404,
  // GetBucketTagging of a bucket without tags (ErrorResponses: NoSuchTagSet, 404)
  NoSuchTagSet: 404,
  NoSuchUpload: 404,
  NoSuchVersion: 404,
  NotImplemented: 501,
  // If-None-Match / If-Modified-Since on GET and HEAD (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html)
  NotModified: 304,
  ServiceUnavailable: 503,
  SlowDown: 503,
  PreconditionFailed: 412,
  RequestHeaderSectionTooLarge: 400,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  // a payload whose SHA-256 is not the signed x-amz-content-sha256 (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html)
  XAmzContentSHA256Mismatch: 400,
};

describe("S3 error table (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html)", () => {
  test("lists exactly the codes with a known AWS status", () => {
    expect(Object.keys(S3_ERRORS).sort()).toEqual(Object.keys(AWS_STATUS).sort());
  });

  test("every code of the table is one Strata answers with (no dead entries)", async () => {
    const src = `${import.meta.dirname}/../../src`;
    let code = "";
    for await (const file of new Bun.Glob("**/*.ts").scan({ cwd: src })) if (file !== "s3/errors.ts") code += await Bun.file(`${src}/${file}`).text();
    expect(Object.keys(S3_ERRORS).filter((c) => !code.includes(`"${c}"`))).toEqual([]);
  });

  for (const [code, [status, message]] of Object.entries(S3_ERRORS) as Array<[S3ErrorCode, readonly [number, string]]>) {
    test(`${code}: ${status}, "${message}"`, () => {
      expect(status).toBe(AWS_STATUS[code]);
      // A message a client can show: one line of text, neither empty nor padded.
      expect(message).toMatch(/^[A-Z][^\n]*\S$/);
      const err = new S3Error(code);
      expect([err.code, err.status, err.message]).toEqual([code, status, message]);
    });
  }

  test("a message given replaces the table's, the status stays", () => {
    const err = new S3Error("InvalidArgument", "max-keys must be a non-negative integer");
    expect([err.status, err.message]).toEqual([400, "max-keys must be a non-negative integer"]);
  });

  test("only the table's codes compile", () => {
    // @ts-expect-error a code outside the table is a type error (tsc checks the tests too)
    const make = () => new S3Error("NoSuchThing");
    expect(make).toThrow();
  });

  test("a dependency away is a 503 with the table's message, never its cause", () => {
    for (const code of ["ServiceUnavailable", "SlowDown"] as const) {
      const err = unavailable(new UnavailableError("PostgreSQL unavailable (refs): connect ECONNREFUSED 10.1.2.3:5432", code));
      expect([err.code, err.status, err.message]).toEqual([code, 503, S3_ERRORS[code][1]]);
    }
  });
});

describe("repo errors as S3 errors", () => {
  // Typed by both unions: a new repo error fails to compile here until it has its S3 error, as in fromRepoError.
  const mapping: Record<RepoErrorCode, S3ErrorCode> = {
    NoSuchRepo: "NoSuchBucket",
    NoSuchBranch: "NoSuchBucket",
    NoSuchTag: "NoSuchBucket",
    TagExists: "BucketAlreadyOwnedByYou",
    BranchProtected: "AccessDenied",
    IsTag: "AccessDenied",
    NoSuchCommit: "NoSuchVersion",
    NoSuchVersion: "NoSuchVersion",
    NoSuchUpload: "NoSuchUpload",
    RepoExists: "InvalidRequest",
    BranchExists: "BucketAlreadyOwnedByYou",
    BranchNotEmpty: "BucketNotEmpty",
    RepoHasBranches: "InvalidRequest",
    NoOpenCommit: "InvalidRequest",
    CommitAlreadyOpen: "InvalidRequest",
    PreconditionFailed: "PreconditionFailed",
    InvalidName: "InvalidBucketName",
  };
  for (const [repoCode, s3Code] of Object.entries(mapping) as Array<[RepoErrorCode, S3ErrorCode]>) {
    test(`${repoCode} → ${s3Code} (${S3_ERRORS[s3Code][0]})`, () => {
      const err = fromRepoError(new RepoError(repoCode, "why"), "b.r");
      expect([err.code, err.status]).toEqual([s3Code, S3_ERRORS[s3Code][0]]);
    });
  }

  test("bucket errors name the request's bucket", () => {
    expect(fromRepoError(new RepoError("NoSuchBranch", "branch b of repo r does not exist"), "b.r").extra).toEqual({ BucketName: "b.r" });
    expect(fromRepoError(new RepoError("BranchNotEmpty", "3 versions"), "b.r").extra).toEqual({ BucketName: "b.r" });
  });

  test("an unknown repo error is a loud internal failure, not a client error", () => {
    // Only a value outside the union (a stale build, a cast) reaches the exhaustiveness check's default.
    expect(() => fromRepoError(new RepoError("NoSuchWidget" as RepoErrorCode, "why"))).toThrow("repo error NoSuchWidget has no S3 error");
  });
});
