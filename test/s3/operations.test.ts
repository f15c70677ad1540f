// The operations table: the request syntax of each operation in the Amazon S3 API Reference
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html, each
// operation's "Request Syntax"), virtual-host style as the reference writes it, goes through classify.
import { describe, expect, test } from "bun:test";
import { addressOf } from "../../src/s3/app.ts";
import { splitTarget } from "../../src/runtime/request-target.ts";
import type { S3Request } from "../../src/s3/context.ts";
import { classify, type Operation, OPERATIONS, unsupportedSubresource } from "../../src/s3/operations.ts";

const DOMAIN = "s3.amazonaws.com";

/** "METHOD /path?query", Host, extra headers → the S3Request classify sees. */
function request(line: string, host: string, headers: Record<string, string> = {}): S3Request {
  const [method, target] = line.split(" ");
  const { path, query } = splitTarget(target);
  return {
    method,
    path,
    search: query,
    scheme: "http",
    headers: new Headers({ host, ...headers }),
    query: new URLSearchParams(query),
    body: null,
    verifiedChecksums: () => ({}),
    requestId: "test",
    ...addressOf(path, host, [DOMAIN]),
  };
}

const BUCKET = `Bucket.${DOMAIN}`.toLowerCase();
const COPY = { "x-amz-copy-source": "/source-bucket/source-key" };

// [operation, request line, headers] — query values as the reference's placeholders.
const EXAMPLES: Array<[Operation, string, Record<string, string>?]> = [
  ["ListBuckets", "GET /?bucket-region=BucketRegion&continuation-token=ContinuationToken&max-buckets=MaxBuckets&prefix=Prefix"],
  ["CreateBucket", "PUT /"],
  ["DeleteBucket", "DELETE /"],
  ["HeadBucket", "HEAD /"],
  ["GetBucketLocation", "GET /?location"],
  ["GetBucketVersioning", "GET /?versioning"],
  ["PutBucketVersioning", "PUT /?versioning"],
  ["ListObjects", "GET /?delimiter=Delimiter&encoding-type=EncodingType&marker=Marker&max-keys=MaxKeys&prefix=Prefix"],
  ["ListObjectsV2", "GET /?list-type=2&continuation-token=ContinuationToken&delimiter=Delimiter&encoding-type=EncodingType&fetch-owner=FetchOwner&max-keys=MaxKeys&prefix=Prefix&start-after=StartAfter"],
  ["ListObjectVersions", "GET /?versions&delimiter=Delimiter&encoding-type=EncodingType&key-marker=KeyMarker&max-keys=MaxKeys&prefix=Prefix&version-id-marker=VersionIdMarker"],
  ["ListMultipartUploads", "GET /?uploads&delimiter=Delimiter&encoding-type=EncodingType&key-marker=KeyMarker&max-uploads=MaxUploads&prefix=Prefix&upload-id-marker=UploadIdMarker"],
  ["DeleteObjects", "POST /?delete"],
  ["GetObject", "GET /Key+?partNumber=PartNumber&response-cache-control=ResponseCacheControl&response-content-type=ResponseContentType&versionId=VersionId"],
  ["HeadObject", "HEAD /Key+?partNumber=PartNumber&versionId=VersionId"],
  ["PutObject", "PUT /Key+"],
  ["CopyObject", "PUT /Key+", COPY],
  ["DeleteObject", "DELETE /Key+?versionId=VersionId"],
  ["CreateMultipartUpload", "POST /Key+?uploads"],
  ["UploadPart", "PUT /Key+?partNumber=PartNumber&uploadId=UploadId"],
  ["UploadPartCopy", "PUT /Key+?partNumber=PartNumber&uploadId=UploadId", COPY],
  ["CompleteMultipartUpload", "POST /Key+?uploadId=UploadId"],
  ["AbortMultipartUpload", "DELETE /Key+?uploadId=UploadId"],
  ["ListParts", "GET /Key+?max-parts=MaxParts&part-number-marker=PartNumberMarker&uploadId=UploadId"],
  ["PreflightCors", "OPTIONS /Key+", { origin: "https://app.example", "access-control-request-method": "PUT" }],
  ["GetBucketCors", "GET /?cors"],
  ["PutBucketCors", "PUT /?cors"],
  ["DeleteBucketCors", "DELETE /?cors"],
  ["PostObject", "POST /", { "content-type": "multipart/form-data; boundary=B" }],
  ["GetBucketAcl", "GET /?acl"],
  ["PutBucketAcl", "PUT /?acl"],
  ["GetObjectAcl", "GET /Key+?acl&versionId=VersionId"],
  ["PutObjectAcl", "PUT /Key+?acl&versionId=VersionId"],
  ["GetObjectAttributes", "GET /Key+?attributes&versionId=VersionId", { "x-amz-object-attributes": "ETag" }],
  // API_GetObjectTagging, API_PutObjectTagging, API_DeleteObjectTagging, API_*BucketTagging request syntax
  ["GetObjectTagging", "GET /Key+?tagging&versionId=VersionId"],
  ["PutObjectTagging", "PUT /Key+?tagging&versionId=VersionId"],
  ["DeleteObjectTagging", "DELETE /Key+?tagging&versionId=VersionId"],
  ["GetBucketTagging", "GET /?tagging"],
  ["PutBucketTagging", "PUT /?tagging"],
  ["DeleteBucketTagging", "DELETE /?tagging"],
];

describe("classify: the reference's request syntax", () => {
  for (const [operation, line, headers] of EXAMPLES) {
    const host = operation === "ListBuckets" ? DOMAIN : BUCKET;
    test(`${operation}: ${line}`, () => expect(classify(request(line, host, headers))).toBe(operation));
  }

  test("every operation of the table has an example", () => {
    expect(new Set(EXAMPLES.map(([op]) => op))).toEqual(new Set(Object.keys(OPERATIONS) as Operation[]));
  });

  test("path style gives the same operations", () => {
    expect(classify(request("GET /bucket/a/b?uploadId=U", "localhost"))).toBe("ListParts");
    expect(classify(request("GET /bucket?list-type=2", "localhost"))).toBe("ListObjectsV2");
    expect(classify(request("GET /", "localhost"))).toBe("ListBuckets");
  });

  test("requests that are no operation", () => {
    expect(classify(request("POST /", DOMAIN))).toBeUndefined();
    expect(classify(request("POST /Key+", BUCKET))).toBeUndefined();
    // served sub-resources with a method they do not have are no operation (405), never a plain one
    expect(classify(request("DELETE /?acl", BUCKET))).toBeUndefined();
    expect(classify(request("POST /?cors", BUCKET))).toBeUndefined();
    expect(classify(request("PUT /Key+?attributes", BUCKET))).toBeUndefined();
    expect(classify(request("POST /Key+?tagging", BUCKET))).toBeUndefined();
    expect(classify(request("HEAD /?tagging", BUCKET))).toBeUndefined();
    expect(classify(request("PATCH /Key+", BUCKET))).toBeUndefined();
  });
});

describe("sub-resources Strata does not serve are never mistaken for plain requests", () => {
  const unsupported: Array<[string, string]> = [
    ["PUT /Key+?retention", "retention"],
    ["GET /Key+?legal-hold", "legal-hold"],
    ["POST /Key+?restore", "restore"],
    ["POST /Key+?select&select-type=2", "select"],
    ["PUT /?lifecycle", "lifecycle"],
    ["GET /?policy", "policy"],
  ];
  for (const [line, name] of unsupported) {
    test(line, () => expect(unsupportedSubresource(request(line, BUCKET).query)).toBe(name));
  }
});

describe("roles and scopes", () => {
  test("reads need reader, object changes writer, bucket changes owner", () => {
    const byRole = (role: string) => Object.entries(OPERATIONS).filter(([, s]) => "role" in s && s.role === role).map(([op]) => op).sort();
    expect(byRole("owner")).toEqual(["CreateBucket", "DeleteBucket", "DeleteBucketCors", "DeleteBucketTagging", "PutBucketAcl", "PutBucketCors", "PutBucketTagging", "PutBucketVersioning"]);
    expect(byRole("writer")).toEqual([
      "AbortMultipartUpload", "CompleteMultipartUpload", "CopyObject", "CreateMultipartUpload", "DeleteObject", "DeleteObjectTagging", "DeleteObjects",
      "PostObject", "PutObject", "PutObjectAcl", "PutObjectTagging", "UploadPart", "UploadPartCopy",
    ]);
    // what anyone may do on a public-read branch: read objects and list (S3's AllUsers READ), never write
    const open = Object.entries(OPERATIONS).filter(([, s]) => "public" in s).map(([op]) => op).sort();
    expect(open).toEqual(["GetBucketLocation", "GetObject", "GetObjectAttributes", "HeadBucket", "HeadObject", "ListObjectVersions", "ListObjects", "ListObjectsV2"]);
    for (const [op, spec] of Object.entries(OPERATIONS)) {
      if (spec.scope === "service") expect("role" in spec).toBe(false);
      else expect(typeof (spec as { role?: string }).role).toBe("string");
      if (spec.scope === "repo+source") expect(["CopyObject", "UploadPartCopy"]).toContain(op);
    }
  });
});

test("authorization has one home: no [authz] tags are left beside the table", async () => {
  const tagged: string[] = [];
  for await (const file of new Bun.Glob("**/*.ts").scan({ cwd: `${import.meta.dirname}/../../src` })) {
    if ((await Bun.file(`${import.meta.dirname}/../../src/${file}`).text()).includes("[authz]")) tagged.push(file);
  }
  expect(tagged).toEqual([]);
});
