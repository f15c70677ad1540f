// The S3 error table and the repo → S3 error mapping.
import { describe, expect, test } from "bun:test";
import { RepoError, type RepoErrorCode } from "../../src/repo/errors.ts";
import { S3_ERRORS, S3Error } from "../../src/s3/errors.ts";
import { fromRepoError } from "../../src/s3/targets.ts";

describe("S3 error table", () => {
  // Statuses as in "Error responses", Amazon S3 API Reference (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
  const statuses: Array<[keyof typeof S3_ERRORS, number]> = [
    ["AccessDenied", 403],
    ["InvalidURI", 400],
    ["InvalidPartNumber", 416],
    ["MetadataTooLarge", 400],
    ["InvalidRange", 416],
    ["NoSuchKey", 404],
    ["PreconditionFailed", 412],
    ["NotImplemented", 501],
    ["MethodNotAllowed", 405],
    ["BucketNotEmpty", 409],
    ["InternalError", 500],
  ];
  for (const [code, status] of statuses) {
    test(`${code} is ${status} with the table's message`, () => {
      const err = new S3Error(code);
      expect(err.status).toBe(status);
      expect(err.message).toBe(S3_ERRORS[code][1]);
    });
  }

  test("a message given replaces the table's, the status stays", () => {
    const err = new S3Error("InvalidArgument", "max-keys must be a non-negative integer");
    expect([err.status, err.message]).toEqual([400, "max-keys must be a non-negative integer"]);
  });
});

describe("repo errors as S3 errors", () => {
  const mapping: Record<RepoErrorCode, string> = {
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
  for (const [repoCode, s3Code] of Object.entries(mapping)) {
    test(`${repoCode} → ${s3Code}`, () => {
      expect(fromRepoError(new RepoError(repoCode as RepoErrorCode, "why"), "b.r").code).toBe(s3Code as never);
    });
  }
});
