// Authorization with auth on, checked after the request is classified and its signature verified, before the
// operation runs. The role each operation needs and what it is checked against are in the operations table
// (operations.ts): reader reads and lists, writer changes objects, owner changes the bucket itself, and an admin
// may do everything, including creating a new repo (a repo has no owner before it exists). Operations marked
// public in the table may also be done anonymously on a public-read branch and its commit buckets; every write
// and every other operation still needs a token.
import { type AccessControl, type Role, roleAtLeast, type User } from "../repo/access.ts";
import type { AuthResult } from "./auth/types.ts";
import type { S3Deps, S3Request } from "./context.ts";
import { parseCopySource } from "./copy-source.ts";
import { S3Error } from "./errors.ts";
import type { RequestAuthOptions } from "./request-auth.ts";
import { type Operation, OPERATIONS, type OperationSpec } from "./operations.ts";

export type Authorizer = (auth: AuthResult, operation: Operation, req: S3Request, deps: S3Deps) => void;

type AccessLookup = Pick<AccessControl, "userForToken">;

/** With auth on, the access key is a token; its secret is itself, and only known tokens have one. */
export function tokenSecrets(access: AccessLookup): RequestAuthOptions {
  return { secretFor: (key) => (access.userForToken(key) ? key : undefined) };
}

const denied = (why: string) => new S3Error("AccessDenied", `Access Denied: ${why}.`);

export function createAuthorizer(access: AccessLookup): Authorizer {
  return (auth, operation, req, deps) => {
    const spec: OperationSpec = OPERATIONS[operation];
    if (spec.credentials === "none") return;
    if (auth.kind === "anonymous") {
      if (spec.public && publiclyReadable(deps, req.bucket!)) return;
      throw denied("anonymous requests are not allowed; sign requests with a token as access key and secret key");
    }
    // Authentication already refused unknown keys; a token revoked in between is just as unknown.
    const user = access.userForToken(auth.accessKey);
    if (!user) throw new S3Error("InvalidAccessKeyId", undefined, { AWSAccessKeyId: auth.accessKey });
    req.user = user.name;
    if (user.admin) return;
    if (spec.scope === "service") {
      req.mayList = (repo) => user.roles[repo] !== undefined;
      return;
    }
    const target = deps.buckets.resolve(req.bucket!);
    if (spec.scope === "repo-or-new" && !deps.repo.hasRepo(target.repo)) {
      throw denied(`only an admin may create a new repo (${target.repo})`);
    }
    requireRole(user, spec.versionedRole && req.query.has("versionId") ? spec.versionedRole : spec.role!, target.repo);
    req.mayPurge = roleAtLeast(user.roles[target.repo], "owner"); // DeleteObjects checks each entry with a version id
    if (spec.scope === "repo+source") requireRole(user, "reader", deps.buckets.resolve(parseCopySource(req.headers).bucket).repo);
  };
}

/**
 * Whether a bucket is a public branch or one of its commits. A `commit.repo` bucket names no branch: it is public
 * when its commit is in the history of a public branch of the repo.
 */
function publiclyReadable(deps: S3Deps, bucket: string): boolean {
  const target = deps.buckets.resolve(bucket);
  if (!target.anyBranch) return deps.repo.isPublic(target.repo, target.branch);
  const { repo } = deps;
  return repo.listBranches(target.repo).some((b) => repo.isPublic(b.repo, b.branch) && repo.inHistory(b.repo, b.branch, target.commit!));
}

function requireRole(user: User, need: Role, repo: string): void {
  if (!roleAtLeast(user.roles[repo], need)) throw denied(`user ${user.name} needs the ${need} role in repo ${repo}`);
}
