// Headers a presigned URL carries in its query. The SDK presigners (the JS SDK's getSignedUrl, botocore's
// generate_presigned_url with Params) move a request's x-amz-* headers into the query string, where they are signed,
// and S3 applies them as if they were headers: user metadata (x-amz-meta-*), x-amz-tagging, x-amz-acl,
// x-amz-storage-class, a copy's x-amz-copy-source.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
// Not hoisted: the query authentication's own parameters, and checksums, which "Amazon S3 presigned URLs don't
// support" for uploads (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html): the JS SDK
// signs the CRC32 of an empty body into a presigned PutObject URL, and S3 ignores it.

import { S3Error } from "./errors.ts";

/** The query parameters of SigV4 query authentication (sigv4-query-string-auth.html), read by authentication alone. */
const AUTH_PARAMETERS = new Set(["x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires", "x-amz-signedheaders", "x-amz-signature", "x-amz-security-token", "x-amz-content-sha256"]);

const ignored = (name: string) => AUTH_PARAMETERS.has(name) || name.startsWith("x-amz-checksum-") || name === "x-amz-sdk-checksum-algorithm";

/**
 * The request's headers with the x-amz-* parameters of a presigned URL's query added (a header the request sends
 * itself wins); the same Headers when there are none to add. Throws InvalidArgument for a value no header can carry.
 */
export function withPresignedHeaders(headers: Headers, query: URLSearchParams): Headers {
  let merged: Headers | undefined;
  for (const [param, value] of query) {
    const name = param.toLowerCase();
    if (!name.startsWith("x-amz-") || ignored(name) || headers.has(name) || merged?.has(name)) continue;
    merged ??= new Headers(headers);
    try {
      merged.set(name, value);
    } catch {
      // a value no header may carry (a NUL, CR or LF once percent-decoded): a header sending it could not be sent
      throw new S3Error("InvalidArgument", `The query parameter ${name} is not a valid header value.`, { ArgumentName: name });
    }
  }
  return merged ?? headers;
}
