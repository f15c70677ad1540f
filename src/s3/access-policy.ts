// Authorization with auth on: which role in a bucket's repo each S3 operation needs, checked after the
// request is classified and its signature verified, before the operation runs.
//
// reader: read and list (GET/HEAD objects and buckets, List*, ListParts, ListMultipartUploads)
// writer: change objects (Put, Copy — plus reader on the copy source —, Delete*, multipart)
// owner:  change the bucket itself (CreateBucket on an existing repo = a new branch, DeleteBucket, PutBucketVersioning)
// admin:  everything, including CreateBucket of a new repo (a repo has no owner before it exists)
// ListBuckets shows only the branches of repos the user holds a role in.
// public: a branch made public (canned ACL public-read) may also be read and listed anonymously, as may its
//         commit buckets; every write and every other operation still needs a token.
// A preflight (OPTIONS) needs nothing; a form upload (POST Object) is authorized by the operation once it
// has found the signer in the form's fields.
import { type AccessControl, type Role, roleAtLeast, type User } from "../repo/access.ts";
import type { AuthResult } from "./auth/types.ts";
import type { S3Deps, S3Request } from "./context.ts";
import { S3Error } from "./errors.ts";
import type { RequestAuthOptions } from "./request-auth.ts";
import type { Operation } from "./route.ts";

export type Authorizer = (auth: AuthResult, operation: Operation, req: S3Request, deps: S3Deps) => void;

/** The role an operation needs in the repo of the request's bucket; ListBuckets needs none (it filters). */
const REQUIRED: Record<Exclude<Operation, "ListBuckets" | "PreflightCors">, Role> = {
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
  GetBucketCors: "reader",
  GetBucketAcl: "reader",
  GetObjectAcl: "reader",
  GetObjectAttributes: "reader",
  PostObject: "writer",
  PutObjectAcl: "writer",
  CreateBucket: "owner",
  DeleteBucket: "owner",
  PutBucketVersioning: "owner",
  PutBucketCors: "owner",
  DeleteBucketCors: "owner",
  PutBucketAcl: "owner",
};

/** What the canned ACL public-read lets anyone do (S3's AllUsers READ grant): read objects and list the bucket. */
const PUBLIC_READS = new Set<Operation>([
  "HeadBucket", "GetBucketLocation", "ListObjects", "ListObjectsV2", "ListObjectVersions", "GetObject", "HeadObject", "GetObjectAttributes",
]);

type AccessLookup = Pick<AccessControl, "userForToken">;

/** With auth on, the access key is a token; its secret is itself, and only known tokens have one. */
export function tokenSecrets(access: AccessLookup): RequestAuthOptions {
  return { secretFor: (key) => (access.userForToken(key) ? key : undefined) };
}

const denied = (why: string) => new S3Error("AccessDenied", `Access Denied: ${why}.`);

export function createAuthorizer(access: AccessLookup): Authorizer {
  return (auth, operation, req, deps) => {
    if (operation === "PreflightCors") return;
    if (auth.kind === "anonymous") {
      if (PUBLIC_READS.has(operation) && publiclyReadable(deps, req.bucket!)) return;
      throw denied("anonymous requests are not allowed; sign requests with a token as access key and secret key");
    }
    // Authentication already refused unknown keys; a token revoked in between is just as unknown.
    const user = access.userForToken(auth.accessKey);
    if (!user) throw new S3Error("InvalidAccessKeyId", undefined, { AWSAccessKeyId: auth.accessKey });
    if (user.admin) return;
    if (operation === "ListBuckets") {
      req.mayList = (repo) => user.roles[repo] !== undefined;
      return;
    }
    const target = deps.buckets.resolve(req.bucket!);
    if (operation === "CreateBucket" && !deps.repo.versions.getRepo(target.repo)) {
      throw denied(`only an admin may create a new repo (${target.repo})`);
    }
    requireRole(user, REQUIRED[operation], target.repo);
    if (operation === "CopyObject" || operation === "UploadPartCopy") {
      requireRole(user, "reader", deps.buckets.resolve(copySourceBucket(req.headers)).repo);
    }
  };
}

/**
 * Whether a bucket is a public branch or one of its commits. A `commit.repo` bucket names no branch: it is public
 * when its commit is in the history of a public branch of the repo.
 */
function publiclyReadable(deps: S3Deps, bucket: string): boolean {
  const target = deps.buckets.resolve(bucket);
  if (!target.anyBranch) return deps.repo.isPublic(target.repo, target.branch);
  const vs = deps.repo.versions;
  return vs.listBranches(target.repo).some((b) => deps.repo.isPublic(b.repo, b.branch) && vs.inHistory(b.repo, b.branch, target.commit!));
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
