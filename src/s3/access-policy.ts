// Authorization with auth on: which role in a bucket's repo each S3 operation needs, checked after the
// request is classified and its signature verified, before the operation runs.
//
// reader: read and list (GET/HEAD objects and buckets, List*, ListParts, ListMultipartUploads)
// writer: change objects (Put, Copy — plus reader on the copy source —, Delete*, multipart)
// owner:  change the bucket itself (CreateBucket on an existing repo = a new branch, DeleteBucket, PutBucketVersioning)
//         and purge versions for good (DeleteObject/DeleteObjects with a version id)
// admin:  everything, including CreateBucket of a new repo (a repo has no owner before it exists)
// ListBuckets shows only the branches of repos the user holds a role in.
import { type AccessControl, type Role, roleAtLeast, type User } from "../repo/access.ts";
import type { AuthResult } from "./auth/types.ts";
import type { S3Deps, S3Request } from "./context.ts";
import { S3Error } from "./errors.ts";
import type { RequestAuthOptions } from "./request-auth.ts";
import type { Operation } from "./route.ts";

export type Authorizer = (auth: AuthResult, operation: Operation, req: S3Request, deps: S3Deps) => void;

/** The role an operation needs in the repo of the request's bucket; ListBuckets needs none (it filters). */
const REQUIRED: Record<Exclude<Operation, "ListBuckets">, Role> = {
  HeadBucket: "reader",
  GetBucketLocation: "reader",
  GetBucketVersioning: "reader",
  ListObjects: "reader",
  ListObjectsV2: "reader",
  ListObjectVersions: "reader",
  ListMultipartUploads: "reader",
  ListParts: "reader",
  GetObject: "reader",
  HeadObject: "reader",
  PutObject: "writer",
  CopyObject: "writer",
  DeleteObject: "writer",
  DeleteObjects: "writer",
  CreateMultipartUpload: "writer",
  UploadPart: "writer",
  UploadPartCopy: "writer",
  CompleteMultipartUpload: "writer",
  AbortMultipartUpload: "writer",
  CreateBucket: "owner",
  DeleteBucket: "owner",
  PutBucketVersioning: "owner",
};

type AccessLookup = Pick<AccessControl, "userForToken">;

/** With auth on, the access key is a token; its secret is itself, and only known tokens have one. */
export function tokenSecrets(access: AccessLookup): RequestAuthOptions {
  return { secretFor: (key) => (access.userForToken(key) ? key : undefined) };
}

const denied = (why: string) => new S3Error("AccessDenied", `Access Denied: ${why}.`);

export function createAuthorizer(access: AccessLookup): Authorizer {
  return (auth, operation, req, deps) => {
    if (auth.kind === "anonymous") throw denied("anonymous requests are not allowed; sign requests with a token as access key and secret key");
    // Authentication already refused unknown keys; a token revoked in between is just as unknown.
    const user = access.userForToken(auth.accessKey);
    if (!user) throw new S3Error("InvalidAccessKeyId", undefined, { AWSAccessKeyId: auth.accessKey });
    req.user = user.name;
    if (user.admin) return;
    if (operation === "ListBuckets") {
      req.mayList = (repo) => user.roles[repo] !== undefined;
      return;
    }
    const target = deps.buckets.resolve(req.bucket!);
    if (operation === "CreateBucket" && !deps.repo.versions.getRepo(target.repo)) {
      throw denied(`only an admin may create a new repo (${target.repo})`);
    }
    // DeleteObject with a version id purges that version for good: AWS lets only the bucket owner do that.
    requireRole(user, operation === "DeleteObject" && req.query.has("versionId") ? "owner" : REQUIRED[operation], target.repo);
    req.mayPurge = roleAtLeast(user.roles[target.repo], "owner"); // DeleteObjects checks each entry with a version id
    if (operation === "CopyObject" || operation === "UploadPartCopy") {
      requireRole(user, "reader", deps.buckets.resolve(copySourceBucket(req.headers)).repo);
    }
  };
}

function requireRole(user: User, need: Role, repo: string): void {
  if (!roleAtLeast(user.roles[repo], need)) throw denied(`user ${user.name} needs the ${need} role in repo ${repo}`);
}

/** The bucket of x-amz-copy-source ("/bucket/key?versionId=..", URL-encoded); the operation parses the rest. */
function copySourceBucket(headers: Headers): string {
  const raw = (headers.get("x-amz-copy-source") ?? "").replace(/^\//, "");
  const slash = raw.indexOf("/");
  let bucket: string;
  try {
    bucket = decodeURIComponent(slash < 0 ? raw : raw.slice(0, slash));
  } catch {
    bucket = "";
  }
  if (!bucket) throw new S3Error("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey.", { ArgumentName: "x-amz-copy-source" });
  return bucket;
}
