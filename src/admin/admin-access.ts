// Who may call which admin route when auth is on: one table, read before any route runs. Reading (history, diff,
// listings, tags) takes the reader role in the repos named; changing commits (merges, reverts, new tags) takes
// writer; branches, their protection and publicity, and deleting tags owner; everything else (repos, users and tokens,
// maintenance, jobs) an admin. As in S3, the role is per repo.
import { type Role, roleAtLeast, type User } from "../repo/access.ts";
import { AdminError } from "./errors.ts";
import { parseRef } from "../repo/ref-names.ts";

/** Who is calling: with auth off anyone may do anything; with it on, the user its credentials name (none: anonymous). */
export type Caller = { authOn: false } | { authOn: true; user?: User };

interface Rule {
  method: string;
  /** the route's path below /_strata/ */
  path: RegExp;
  /** the role needed in every repo `repos` names; "user": any signed-in user (the route shows only what they may see) */
  role: Role | "user";
  /** the role instead when the query names a version: deleting a version purges it for good, as S3's DeleteObject */
  versionedRole?: Role;
  repos?: (q: (name: string) => string | undefined, match: RegExpExecArray, body: () => Promise<Record<string, unknown>>) => Promise<Array<string | undefined>> | Array<string | undefined>;
}

const repoOf = (ref: string | undefined) => (ref === undefined || ref === "" ? undefined : parseRef(ref).repo);
const bodyRef = async (body: () => Promise<Record<string, unknown>>) => {
  const ref = (await body()).ref;
  return [repoOf(typeof ref === "string" ? ref : undefined)];
};

const pathRef = (_: unknown, m: RegExpExecArray) => [repoOf(decodeURIComponent(m[1]))];

const RULES: Rule[] = [
  { method: "GET", path: /^repos$/, role: "user" },
  { method: "GET", path: /^branches$/, role: "user" },
  { method: "GET", path: /^commits$/, role: "reader", repos: (q) => [q("repo") ?? repoOf(q("ref"))] },
  { method: "GET", path: /^commits\/([^/]+)$/, role: "reader", repos: (_, m) => [repoOf(decodeURIComponent(m[1]))] },
  { method: "GET", path: /^objects$/, role: "reader", repos: (q) => [repoOf(q("ref"))] },
  { method: "GET", path: /^diff$/, role: "reader", repos: (q) => [repoOf(q("from")), repoOf(q("to"))] },
  { method: "GET", path: /^object(\/versions|\/content)?$/, role: "reader", repos: (q) => [repoOf(q("ref"))] },
  { method: "PUT", path: /^object\/content$/, role: "writer", repos: (q) => [repoOf(q("ref"))] },
  { method: "DELETE", path: /^object$/, role: "writer", versionedRole: "owner", repos: (q) => [repoOf(q("ref"))] },
  { method: "POST", path: /^commits\/(start|finish|drop)$/, role: "writer", repos: (_, __, body) => bodyRef(body) },
  { method: "POST", path: /^branches$/, role: "owner", repos: (_, __, body) => bodyRef(body) },
  { method: "DELETE", path: /^branches\/([^/]+)$/, role: "owner", repos: pathRef },
  { method: "POST", path: /^branches\/([^/]+)\/(merge|revert)$/, role: "writer", repos: pathRef },
  // Making a branch public is S3's PutBucketAcl, an owner's; so is protecting it.
  { method: "PUT", path: /^branches\/([^/]+)\/(public|protected)$/, role: "owner", repos: pathRef },
  { method: "GET", path: /^tags$/, role: "reader", repos: (q) => [q("repo") || undefined] },
  { method: "GET", path: /^tags\/([^/]+)$/, role: "reader", repos: pathRef },
  { method: "POST", path: /^tags$/, role: "writer", repos: (_, __, body) => bodyRef(body) },
  { method: "DELETE", path: /^tags\/([^/]+)$/, role: "owner", repos: pathRef },
];

/**
 * Refuses the request unless the caller may make it (AdminError 403). `body` reads the JSON body (it is read
 * again by the route). A rule's repo that is not given is left to the route, which answers its own 400.
 */
export async function authorizeAdminCall(
  caller: Caller,
  request: { method: string; path: string; query: (name: string) => string | undefined; body: () => Promise<Record<string, unknown>> },
): Promise<void> {
  if (!caller.authOn) return;
  const { user } = caller;
  if (!user) throw new AdminError("AccessDenied", "With auth on, the admin API needs a token (as SigV4 access key, or Authorization: Bearer).", 403);
  if (user.admin) return;
  const route = request.path.replace(/^\/_strata\//, "");
  for (const rule of RULES) {
    const match = rule.method === request.method ? rule.path.exec(route) : null;
    if (!match) continue;
    if (rule.role === "user") return;
    const role = rule.versionedRole && request.query("version") ? rule.versionedRole : rule.role;
    for (const repo of await rule.repos!(request.query, match, request.body)) {
      if (repo !== undefined && !roleAtLeast(user.roles[repo], role)) {
        throw new AdminError("AccessDenied", `user ${user.name} needs the ${role} role in repo ${repo}`, 403);
      }
    }
    return;
  }
  throw new AdminError("AccessDenied", `user ${user.name} is not an admin: this needs an admin's token`, 403);
}

/** Whether the caller may see a repo in lists (repo list, branch list). */
export const mayList = (caller: Caller, repo: string): boolean => !caller.authOn || caller.user?.admin === true || caller.user?.roles[repo] !== undefined;
