// The signature of a browser form upload (POST Object): the form carries the credential and a signature of
// its base64 policy document, SigV4 (x-amz-algorithm, x-amz-credential, x-amz-date, x-amz-signature) or
// SigV2 (AWSAccessKeyId, signature). AWS: "Browser-based uploads using POST (AWS Signature Version 4)"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-UsingHTTPPOST.html), "Calculating a signature".
import { createHmac } from "node:crypto";
import { timingSafeEqualText } from "../../util/bytes.ts";
import { S3Error } from "../errors.ts";
import { parseAmzDate, parseCredential, signingKeyFor, V4_ALGORITHM } from "./sigv4.ts";
import type { AuthOptions, AuthResult } from "./types.ts";

/** A form field by its name, which S3 matches case-insensitively. */
export type FieldLookup = (name: string) => string | undefined;

const missingField = (name: string) =>
  new S3Error("InvalidArgument", `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, {
    ArgumentName: name,
    ArgumentValue: "",
  });

function secretOf(options: AuthOptions, accessKey: string): string {
  const secret = options.secretFor(accessKey);
  if (secret === undefined) throw new S3Error("InvalidAccessKeyId", undefined, { AWSAccessKeyId: accessKey });
  return secret;
}

const mismatch = (policy: string, accessKey: string) => new S3Error("SignatureDoesNotMatch", undefined, { AWSAccessKeyId: accessKey, StringToSign: policy });

/** Verifies the form's signature of `policy` (the base64 text as sent); anonymous when the form carries none. */
export function verifyPostSignature(field: FieldLookup, policy: string, options: AuthOptions): AuthResult {
  const algorithm = field("x-amz-algorithm");
  if (algorithm !== undefined) {
    if (algorithm !== V4_ALGORITHM) throw new S3Error("InvalidArgument", `The algorithm ${algorithm} is not supported: use ${V4_ALGORITHM}.`, { ArgumentName: "x-amz-algorithm", ArgumentValue: algorithm });
    const credentialText = field("x-amz-credential");
    if (credentialText === undefined) throw missingField("X-Amz-Credential");
    const amzDate = field("x-amz-date");
    if (amzDate === undefined) throw missingField("X-Amz-Date");
    const signature = field("x-amz-signature");
    if (signature === undefined) throw missingField("X-Amz-Signature");
    const credential = parseCredential(credentialText);
    if (!credential) {
      throw new S3Error("InvalidArgument", 'Error parsing the X-Amz-Credential parameter; expecting "<YOUR-AKID>/YYYYMMDD/REGION/s3/aws4_request".', { ArgumentName: "x-amz-credential", ArgumentValue: credentialText });
    }
    if (parseAmzDate(amzDate) === undefined || amzDate.slice(0, 8) !== credential.date) {
      throw new S3Error("InvalidArgument", "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\" and on the credential's date.", { ArgumentName: "x-amz-date", ArgumentValue: amzDate });
    }
    const key = signingKeyFor(secretOf(options, credential.accessKey), credential);
    const expected = createHmac("sha256", key).update(policy).digest("hex");
    if (!timingSafeEqualText(expected, signature.trim().toLowerCase())) throw mismatch(policy, credential.accessKey);
    return { kind: "signed", accessKey: credential.accessKey, scheme: "post-policy" };
  }
  const accessKey = field("awsaccesskeyid");
  if (accessKey !== undefined) {
    const signature = field("signature");
    if (signature === undefined) throw missingField("Signature");
    const expected = createHmac("sha1", secretOf(options, accessKey)).update(policy).digest("base64");
    if (!timingSafeEqualText(expected, signature.trim())) throw mismatch(policy, accessKey);
    return { kind: "signed", accessKey, scheme: "post-policy" };
  }
  if (field("x-amz-signature") !== undefined || field("signature") !== undefined) throw missingField(field("signature") !== undefined ? "AWSAccessKeyId" : "X-Amz-Algorithm");
  return { kind: "anonymous" };
}
