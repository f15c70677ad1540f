// Continuation tokens of ListObjectsV2 and ListBuckets: opaque to clients, as AWS's are, and checked when they come
// back, so a token Strata did not issue (garbage, cut short, edited, from another bucket) is 400 InvalidArgument
// "The continuation token provided is incorrect" instead of silently starting a listing somewhere.
//
// A token is base64url of [format 1][12-byte tag][UTF-8 of the last key or bucket name the page held]; the tag is
// SHA-256 over the format, the listing's scope (the bucket, or "" for ListBuckets) and that name. It is a check,
// not a secret: whoever reads this file can make a token, and gains nothing by it, since `start-after` already
// starts a listing after any key a client likes.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { fromUtf8, utf8 } from "../util/bytes.ts";
import { S3Error } from "./errors.ts";

const FORMAT = 1;
const TAG_BYTES = 12;

function tagOf(scope: string, after: Uint8Array): Uint8Array {
  const hash = createHash("sha256").update(`strata continuation ${FORMAT}\0${scope}\0`).update(after).digest();
  return new Uint8Array(hash.buffer, hash.byteOffset, TAG_BYTES);
}

/** The token that resumes a listing of `scope` after `after`. */
export function continuationToken(scope: string, after: string): string {
  const name = utf8(after);
  const token = new Uint8Array(1 + TAG_BYTES + name.length);
  token[0] = FORMAT;
  token.set(tagOf(scope, name), 1);
  token.set(name, 1 + TAG_BYTES);
  return Buffer.from(token).toString("base64url");
}

/** Where a listing of `scope` resumes: the name the token was issued after. */
export function resumeAfter(scope: string, token: string): string {
  const bytes = /^[A-Za-z0-9_-]+$/.test(token) ? new Uint8Array(Buffer.from(token, "base64url")) : new Uint8Array(0);
  if (bytes.length >= 1 + TAG_BYTES && bytes[0] === FORMAT) {
    const name = bytes.subarray(1 + TAG_BYTES);
    if (tagOf(scope, name).every((b, i) => b === bytes[1 + i])) return fromUtf8(name);
  }
  throw new S3Error("InvalidArgument", "The continuation token provided is incorrect", { ArgumentName: "continuation-token", ArgumentValue: token });
}
