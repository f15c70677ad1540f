// Which S3 operation a request is: by method, bucket/key presence and sub-resource.
import type { S3Request } from "./context.ts";

export type Operation =
  | "ListBuckets"
  | "CreateBucket"
  | "DeleteBucket"
  | "HeadBucket"
  | "GetBucketLocation"
  | "GetBucketVersioning"
  | "PutBucketVersioning"
  | "ListObjects"
  | "ListObjectsV2"
  | "ListObjectVersions"
  | "ListMultipartUploads"
  | "DeleteObjects"
  | "GetObject"
  | "HeadObject"
  | "PutObject"
  | "CopyObject"
  | "DeleteObject"
  | "CreateMultipartUpload"
  | "UploadPart"
  | "UploadPartCopy"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "ListParts"
  | "PreflightCors"
  | "PutBucketCors"
  | "GetBucketCors"
  | "DeleteBucketCors"
  | "PostObject"
  | "GetBucketAcl"
  | "PutBucketAcl"
  | "GetObjectAcl"
  | "PutObjectAcl"
  | "GetObjectAttributes";

/** Sub-resources S3 has that Strata does not serve: always 501, never mistaken for a plain GET/PUT. */
const UNSUPPORTED = [
  "accelerate", "analytics", "encryption", "intelligent-tiering", "inventory",
  "legal-hold", "lifecycle", "logging", "metadataTable", "metrics", "notification", "object-lock",
  "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
  "restore", "retention", "select", "tagging", "torrent", "website", "renameObject", "session",
];

export function unsupportedSubresource(query: URLSearchParams): string | undefined {
  return UNSUPPORTED.find((name) => query.has(name));
}

/** Sub-resources Strata serves, with where and how: any other use (DELETE ?acl, POST ?cors, ...) is 405, never a plain operation. */
const SERVED: Record<string, { bucket: string[]; object: string[] }> = {
  cors: { bucket: ["GET", "PUT", "DELETE"], object: [] },
  acl: { bucket: ["GET", "PUT"], object: ["GET", "PUT"] },
  attributes: { bucket: [], object: ["GET"] },
};

export function classify(req: S3Request): Operation | undefined {
  const q = req.query;
  const m = req.method;
  if (m === "OPTIONS") return "PreflightCors";
  if (req.url.search !== "") {
    for (const [name, where] of Object.entries(SERVED)) {
      if (q.has(name) && !(req.key === undefined ? where.bucket : where.object).includes(m)) return undefined;
    }
  }
  if (!req.bucket) return m === "GET" || m === "HEAD" ? "ListBuckets" : undefined;
  if (req.key === undefined) {
    switch (m) {
      case "PUT":
        if (q.has("cors")) return "PutBucketCors";
        if (q.has("acl")) return "PutBucketAcl";
        return q.has("versioning") ? "PutBucketVersioning" : "CreateBucket";
      case "DELETE":
        return q.has("cors") ? "DeleteBucketCors" : "DeleteBucket";
      case "HEAD":
        return "HeadBucket";
      case "POST":
        // A POST to a bucket is a form upload (POST Object) unless it names a sub-resource.
        return q.has("delete") ? "DeleteObjects" : "PostObject";
      case "GET":
        if (q.has("cors")) return "GetBucketCors";
        if (q.has("acl")) return "GetBucketAcl";
        if (q.has("location")) return "GetBucketLocation";
        if (q.has("versioning")) return "GetBucketVersioning";
        if (q.has("versions")) return "ListObjectVersions";
        if (q.has("uploads")) return "ListMultipartUploads";
        return q.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
    }
    return undefined;
  }
  switch (m) {
    case "GET":
      if (q.has("acl")) return "GetObjectAcl";
      if (q.has("attributes")) return "GetObjectAttributes";
      return q.has("uploadId") ? "ListParts" : "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      if (q.has("acl")) return "PutObjectAcl";
      if (q.has("uploadId") && q.has("partNumber")) return req.headers.has("x-amz-copy-source") ? "UploadPartCopy" : "UploadPart";
      return req.headers.has("x-amz-copy-source") ? "CopyObject" : "PutObject";
    case "DELETE":
      return q.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    case "POST":
      if (q.has("uploads")) return "CreateMultipartUpload";
      if (q.has("uploadId")) return "CompleteMultipartUpload";
  }
  return undefined;
}
