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
import { putObject } from "./ops/put.ts";
import { listBuckets } from "./ops/service.ts";
import { listObjectVersions } from "./ops/versions.ts";


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
}

export const OPERATIONS = {
  ListBuckets: { handler: listBuckets, scope: "service" },
  CreateBucket: { handler: createBucket, role: "owner", scope: "repo-or-new" },
  DeleteBucket: { handler: deleteBucket, role: "owner", scope: "repo" },
  HeadBucket: { handler: headBucket, role: "reader", scope: "repo" },
  GetBucketLocation: { handler: getBucketLocation, role: "reader", scope: "repo" },
  GetBucketVersioning: { handler: getBucketVersioning, role: "reader", scope: "repo" },
  PutBucketVersioning: { handler: putBucketVersioning, role: "owner", scope: "repo" },
  ListObjects: { handler: listObjectsV1, role: "reader", scope: "repo" },
  ListObjectsV2: { handler: listObjectsV2, role: "reader", scope: "repo" },
  ListObjectVersions: { handler: listObjectVersions, role: "reader", scope: "repo" },
  ListMultipartUploads: { handler: listMultipartUploads, role: "reader", scope: "repo" },
  DeleteObjects: { handler: deleteObjects, role: "writer", scope: "repo" },
  GetObject: { handler: getObject, role: "reader", scope: "repo" },
  HeadObject: { handler: getObject, role: "reader", scope: "repo" },
  PutObject: { handler: putObject, role: "writer", scope: "repo" },
  CopyObject: { handler: copyObject, role: "writer", scope: "repo+source" },
  DeleteObject: { handler: deleteObject, role: "writer", versionedRole: "owner", scope: "repo" },
  CreateMultipartUpload: { handler: createMultipartUpload, role: "writer", scope: "repo" },
  UploadPart: { handler: uploadPart, role: "writer", scope: "repo" },
  UploadPartCopy: { handler: uploadPartCopy, role: "writer", scope: "repo+source" },
  CompleteMultipartUpload: { handler: completeMultipartUpload, role: "writer", scope: "repo" },
  AbortMultipartUpload: { handler: abortMultipartUpload, role: "writer", scope: "repo" },
  ListParts: { handler: listParts, role: "reader", scope: "repo" },
} as const satisfies Record<string, OperationSpec>;

export type Operation = keyof typeof OPERATIONS;

/** Sub-resources S3 has that Strata does not serve: always 501, never mistaken for a plain GET/PUT. */
const UNSUPPORTED = [
  "accelerate", "acl", "analytics", "attributes", "cors", "encryption", "intelligent-tiering", "inventory",
  "legal-hold", "lifecycle", "logging", "metadataTable", "metrics", "notification", "object-lock",
  "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment",
  "restore", "retention", "select", "tagging", "torrent", "website", "renameObject", "session",
];

export function unsupportedSubresource(query: URLSearchParams): string | undefined {
  return UNSUPPORTED.find((name) => query.has(name));
}

/** Which operation a request is: by method, bucket/key presence and sub-resource. */
export function classify(req: S3Request): Operation | undefined {
  const q = req.query;
  const m = req.method;
  if (!req.bucket) return m === "GET" || m === "HEAD" ? "ListBuckets" : undefined;
  if (req.key === undefined) {
    switch (m) {
      case "PUT":
        return q.has("versioning") ? "PutBucketVersioning" : "CreateBucket";
      case "DELETE":
        return "DeleteBucket";
      case "HEAD":
        return "HeadBucket";
      case "POST":
        return q.has("delete") ? "DeleteObjects" : undefined;
      case "GET":
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
      return q.has("uploadId") ? "ListParts" : "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
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
