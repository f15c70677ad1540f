// Continuation tokens (ListObjectsV2, ListBuckets): opaque, bound to their listing, and checked on the way back.
import { describe, expect, test } from "bun:test";
import { continuationToken, resumeAfter } from "../../src/s3/continuation-token.ts";
import { S3Error } from "../../src/s3/errors.ts";

const refusal = (scope: string, token: string) => {
  try {
    resumeAfter(scope, token);
  } catch (err) {
    if (err instanceof S3Error) return [err.code, err.status, err.message, err.extra.ArgumentName];
    throw err;
  }
  return "accepted";
};
const INCORRECT = ["InvalidArgument", 400, "The continuation token provided is incorrect", "continuation-token"];

describe("continuation tokens", () => {
  test.each(["b.txt", "a b/ü ☃ 😀", "%2e%2e/x", "ctl\u0001key", "x".repeat(1024)])("round trip: %s", (key) => {
    const token = continuationToken("master.repo", key);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/); // safe in a query string even when a client forgets to encode it
    expect(token).not.toContain(key.slice(0, 5)); // opaque: not the key in clear
    expect(resumeAfter("master.repo", token)).toBe(key);
  });

  const good = continuationToken("master.repo", "b.txt");
  const bytes = Buffer.from(good, "base64url");
  const edited = (i: number) => {
    const copy = Buffer.from(bytes);
    copy[i] ^= 1;
    return copy.toString("base64url");
  };
  test.each([
    ["garbage", "garbage"],
    ["empty", ""],
    ["characters outside base64url", "%%"],
    ["the old format (base64 of the key)", Buffer.from("b.txt").toString("base64")],
    ["a key edited in the token", edited(bytes.length - 1)],
    ["a tag edited", edited(3)],
    ["another format byte", edited(0)],
    ["cut short", good.slice(0, 10)],
  ])("refused: %s", (_, token) => expect(refusal("master.repo", token)).toEqual(INCORRECT));

  test("a token of another bucket is refused", () => {
    expect(refusal("other.repo", good)).toEqual(INCORRECT);
    expect(refusal("", good)).toEqual(INCORRECT);
  });
});
