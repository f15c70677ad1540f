// Every S3 operation Strata serves, once: which requests it is (classify), the handler that answers it, and the
// role a user needs for it with auth on and what that role is checked against (as Garage's Endpoint enum carries
// each endpoint's authorization). A new operation is one row here and one case in classify.
import type { Role } from "../repo/access.ts";
import type { S3Handler, S3Request } from "./context.ts";
import { createBucket, deleteBucket, getBucketLocation, getBucketVersioning, headBucket, putBucketVersioning } from "./ops/bucket.ts";
import { copyObject } from "./ops/copy.ts";
import { deleteObject, deleteObjects } from "./ops/delete.ts";
import { getObject } from "./ops/get.ts";
import { listObjectsV1, listObjectsV2 } from "./ops/list.ts";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  uploadPartCopy,
} from "./ops/multipart.ts";
import { getBucketAcl, getObjectAcl, putBucketAcl, putObjectAcl } from "./ops/acl.ts";
import { getObjectAttributes } from "./ops/attributes.ts";
import { deleteBucketCors, getBucketCors, preflight, putBucketCors } from "./ops/cors.ts";
import { postObject } from "./ops/post-object.ts";
import { putObject } from "./ops/put.ts";
import { listBuckets } from "./ops/service.ts";
import { listObjectVersions } from "./ops/versions.ts";
import { deleteBucketTagging, deleteObjectTagging, getBucketTagging, getObjectTagging, putBucketTagging, putObjectTagging } from "./ops/tagging.ts";

/**
 * What the role is checked against:
 * - service: nothing (ListBuckets needs no role; it shows only repos the user has one in)
 * - repo: the repo of the request's bucket
 * - repo+source: that, and reader in the repo of x-amz-copy-source
 * - repo-or-new: the repo of the bucket when it exists; creating a new repo is for admins only
 */
export type Scope = "service" | "repo" | "repo+source" | "repo-or-new";

export interface OperationSpec {
  handler: S3Handler;
  /** the least role in the scope's repo (reader < writer < owner); admins may do everything */
  role?: Role;
  /**
   * the role instead when the request names a version id: deleting a version by id purges it for good, which AWS
   * leaves to the bucket owner (s3:DeleteObjectVersion); DeleteObjects checks each entry that names one
   */
  versionedRole?: Role;
  scope: Scope;
  /**
   * Where the request's credentials are: in its headers or query (default); nowhere, for a CORS preflight, which
   * browsers never sign (the presigned URL it may carry signs the request that follows); in the form's fields, for
   * POST Object, which verifies them and has the signer authorized itself.
   */
  credentials?: "request" | "none" | "form";
  /** anyone may do it, without credentials, on a public-read branch and its commits (S3's AllUsers READ grant) */
  public?: true;
}

export const OPERATIONS = {
  ListBuckets: { handler: listBuckets, scope: "service" },
  CreateBucket: { handler: createBucket, role: "owner", scope: "repo-or-new" },
  DeleteBucket: { handler: deleteBucket, role: "owner", scope: "repo" },
  HeadBucket: { handler: headBucket, role: "reader", scope: "repo", public: true },
  GetBucketLocation: { handler: getBucketLocation, role: "reader", scope: "repo", public: true },
  GetBucketVersioning: { handler: getBucketVersioning, role: "reader", scope: "repo" },
  PutBucketVersioning: { handler: putBucketVersioning, role: "owner", scope: "repo" },
  ListObjects: { handler: listObjectsV1, role: "reader", scope: "repo", public: true },
  ListObjectsV2: { handler: listObjectsV2, role: "reader", scope: "repo", public: true },
  ListObjectVersions: { handler: listObjectVersions, role: "reader", scope: "repo", public: true },
  ListMultipartUploads: { handler: listMultipartUploads, role: "reader", scope: "repo" },
  DeleteObjects: { handler: deleteObjects, role: "writer", scope: "repo" },
  GetObject: { handler: getObject, role: "reader", scope: "repo", public: true },
  HeadObject: { handler: getObject, role: "reader", scope: "repo", public: true },
  PutObject: { handler: putObject, role: "writer", scope: "repo" },
  CopyObject: { handler: copyObject, role: "writer", scope: "repo+source" },
  DeleteObject: { handler: deleteObject, role: "writer", versionedRole: "owner", scope: "repo" },
  CreateMultipartUpload: { handler: createMultipartUpload, role: "writer", scope: "repo" },
  UploadPart: { handler: uploadPart, role: "writer", scope: "repo" },
  UploadPartCopy: { handler: uploadPartCopy, role: "writer", scope: "repo+source" },
  CompleteMultipartUpload: { handler: completeMultipartUpload, role: "writer", scope: "repo" },
  AbortMultipartUpload: { handler: abortMultipartUpload, role: "writer", scope: "repo" },
  ListParts: { handler: listParts, role: "reader", scope: "repo" },
  PreflightCors: { handler: preflight, scope: "service", credentials: "none" },
  GetBucketCors: { handler: getBucketCors, role: "reader", scope: "repo" },
  PutBucketCors: { handler: putBucketCors, role: "owner", scope: "repo" },
  DeleteBucketCors: { handler: deleteBucketCors, role: "owner", scope: "repo" },
  PostObject: { handler: postObject, role: "writer", scope: "repo", credentials: "form" },
  GetBucketAcl: { handler: getBucketAcl, role: "reader", scope: "repo" },
  PutBucketAcl: { handler: putBucketAcl, role: "owner", scope: "repo" },
  GetObjectAcl: { handler: getObjectAcl, role: "reader", scope: "repo" },
  PutObjectAcl: { handler: putObjectAcl, role: "writer", scope: "repo" },
  GetObjectAttributes: { handler: getObjectAttributes, role: "reader", scope: "repo", public: true },
  // Tags are read like other object details; changing an object's is an object write, a bucket's a bucket setting.
  GetObjectTagging: { handler: getObjectTagging, role: "reader", scope: "repo" },
  PutObjectTagging: { handler: putObjectTagging, role: "writer", scope: "repo" },
  DeleteObjectTagging: { handler: deleteObjectTagging, role: "writer", scope: "repo" },
  GetBucketTagging: { handler: getBucketTagging, role: "reader", scope: "repo" },
  PutBucketTagging: { handler: putBucketTagging, role: "owner", scope: "repo" },
  DeleteBucketTagging: { handler: deleteBucketTagging, role: "owner", scope: "repo" },
} as const satisfies Record<string, OperationSpec>;

export type Operation = keyof typeof OPERATIONS;

/** Sub-resources S3 has that Strata does not serve: always 501, never mistaken for a plain GET/PUT. */
const UNSUPPORTED = [
  "accelerate", "analytics", "encryption", "intelligent-tiering", "inventory",
  "legal-hold", "lifecycle", "logging", "metadataTable", "metrics", "notification", "object-lock",
  "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
  "restore", "retention", "select", "torrent", "website", "renameObject", "session",
];

export function unsupportedSubresource(query: URLSearchParams): string | undefined {
  return UNSUPPORTED.find((name) => query.has(name));
}

/** Sub-resources Strata serves, with where and how: any other use (DELETE ?acl, POST ?cors, ...) is 405, never a plain operation. */
const SERVED: Record<string, { bucket: string[]; object: string[] }> = {
  cors: { bucket: ["GET", "PUT", "DELETE"], object: [] },
  acl: { bucket: ["GET", "PUT"], object: ["GET", "PUT"] },
  attributes: { bucket: [], object: ["GET"] },
  tagging: { bucket: ["GET", "PUT", "DELETE"], object: ["GET", "PUT", "DELETE"] },
};

/** Which operation a request is: by method, bucket/key presence and sub-resource. */
export function classify(req: S3Request): Operation | undefined {
  const q = req.query;
  const m = req.method;
  if (m === "OPTIONS") return "PreflightCors";
  if (req.search !== "") {
    for (const [name, where] of Object.entries(SERVED)) {
      if (q.has(name) && !(req.key === undefined ? where.bucket : where.object).includes(m)) return undefined;
    }
  }
  if (!req.bucket) return m === "GET" || m === "HEAD" ? "ListBuckets" : undefined;
  if (req.key === undefined) {
    switch (m) {
      case "PUT":
        if (q.has("cors")) return "PutBucketCors";
        if (q.has("tagging")) return "PutBucketTagging";
        if (q.has("acl")) return "PutBucketAcl";
        return q.has("versioning") ? "PutBucketVersioning" : "CreateBucket";
      case "DELETE":
        if (q.has("tagging")) return "DeleteBucketTagging";
        return q.has("cors") ? "DeleteBucketCors" : "DeleteBucket";
      case "HEAD":
        return "HeadBucket";
      case "POST":
        // A POST to a bucket is a form upload (POST Object) unless it names a sub-resource.
        return q.has("delete") ? "DeleteObjects" : "PostObject";
      case "GET":
        if (q.has("cors")) return "GetBucketCors";
        if (q.has("tagging")) return "GetBucketTagging";
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
      if (q.has("tagging")) return "GetObjectTagging";
      return q.has("uploadId") ? "ListParts" : "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      if (q.has("acl")) return "PutObjectAcl";
      if (q.has("tagging")) return "PutObjectTagging";
      if (q.has("uploadId") && q.has("partNumber")) return req.headers.has("x-amz-copy-source") ? "UploadPartCopy" : "UploadPart";
      return req.headers.has("x-amz-copy-source") ? "CopyObject" : "PutObject";
    case "DELETE":
      if (q.has("tagging")) return "DeleteObjectTagging";
      return q.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
    case "POST":
      if (q.has("uploads")) return "CreateMultipartUpload";
      if (q.has("uploadId")) return "CompleteMultipartUpload";
  }
  return undefined;
}
