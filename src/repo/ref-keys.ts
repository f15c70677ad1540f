// Keys of the ref journal: one builder and one parser for every kind of ref (see docs/format.md, "Ref keys").
//   repo/<repo>                       → RepoRef
//   branch/<repo>/<branch>            → BranchRef
//   upload/<repo>/<branch>/<upload>   → UploadRef
//   part/<upload>/<5-digit number>    → hash of a part blob
//   completed/<repo>/<branch>/<upload> → CompletionRef (a completed upload's answer, for retries)
//   user/<name>                       → UserRecord
//   token/<sha256(token)>             → TokenRecord
//   settings/<name>                   → a setting (settings/auth: { enabled })
//   cors/<repo>/<branch>              → { rules: CorsRule[] } (a branch's cross-origin rules)
//   tag/<repo>/<tag>                  → TagRef (a name for one commit)
//   tagging/<repo>/<branch>           → { tags: TagSet } (a branch's S3 bucket tags)
//   lease/<job id>                    → JobLease (a running sidecar job's claim on its staging branch)
// Repo, branch and user names never contain '/', so a key splits on it cleanly.

export const REF = {
  repo: (repo: string) => `repo/${repo}`,
  repos: () => "repo/",
  branch: (repo: string, branch: string) => `branch/${repo}/${branch}`,
  branches: (repo?: string) => (repo ? `branch/${repo}/` : "branch/"),
  upload: (repo: string, branch: string, id: string) => `upload/${repo}/${branch}/${id}`,
  uploads: (repo?: string, branch?: string) => (repo === undefined ? "upload/" : branch ? `upload/${repo}/${branch}/` : `upload/${repo}/`),
  completion: (repo: string, branch: string, id: string) => `completed/${repo}/${branch}/${id}`,
  completions: (repo?: string, branch?: string) => (repo === undefined ? "completed/" : branch ? `completed/${repo}/${branch}/` : `completed/${repo}/`),
  part: (uploadId: string, n: number) => `part/${uploadId}/${String(n).padStart(5, "0")}`,
  parts: (uploadId?: string) => (uploadId === undefined ? "part/" : `part/${uploadId}/`),
  user: (name: string) => `user/${name}`,
  users: () => "user/",
  token: (hash: string) => `token/${hash}`,
  tokens: () => "token/",
  authSettings: () => "settings/auth",
  /** a branch's CORS rules, apart from the branch ref so that a write (which rewrites the branch ref) stays small */
  cors: (repo: string, branch: string) => `cors/${repo}/${branch}`,
  corsOf: (repo: string) => `cors/${repo}/`,
  tag: (repo: string, tag: string) => `tag/${repo}/${tag}`,
  tags: (repo?: string) => (repo ? `tag/${repo}/` : "tag/"),
  /** a branch's S3 bucket tags (PutBucketTagging), apart from the branch ref as CORS rules are */
  bucketTagging: (repo: string, branch: string) => `tagging/${repo}/${branch}`,
  bucketTaggingOf: (repo: string) => `tagging/${repo}/`,
  jobLease: (job: string) => `lease/${job}`,
};

export type RefKey =
  | { kind: "repo"; repo: string }
  | { kind: "branch"; repo: string; branch: string }
  | { kind: "upload"; repo: string; branch: string; upload: string }
  | { kind: "completed"; repo: string; branch: string; upload: string }
  | { kind: "part"; upload: string; part: number }
  | { kind: "user"; user: string }
  | { kind: "token"; hash: string }
  | { kind: "settings"; name: string }
  | { kind: "cors"; repo: string; branch: string }
  | { kind: "tag"; repo: string; tag: string }
  | { kind: "tagging"; repo: string; branch: string }
  | { kind: "lease"; job: string };

/** What a ref key names; with `kind`, the caller knows which kind it listed and gets that shape (or an error). */
export function parseRefKey<K extends RefKey["kind"]>(key: string, kind: K): Extract<RefKey, { kind: K }>;
export function parseRefKey(key: string): RefKey | undefined;
export function parseRefKey(key: string, expected?: RefKey["kind"]): RefKey | undefined {
  const [kind, a = "", b = "", c = ""] = key.split("/");
  let parsed: RefKey | undefined;
  switch (kind) {
    case "repo": parsed = { kind, repo: a }; break;
    case "branch": parsed = { kind, repo: a, branch: b }; break;
    case "upload": parsed = { kind, repo: a, branch: b, upload: c }; break;
    case "completed": parsed = { kind, repo: a, branch: b, upload: c }; break;
    case "part": parsed = { kind, upload: a, part: Number(b) }; break;
    case "user": parsed = { kind, user: key.slice("user/".length) }; break;
    case "token": parsed = { kind, hash: a }; break;
    case "settings": parsed = { kind, name: a }; break;
    case "cors": parsed = { kind, repo: a, branch: b }; break;
    case "tag": parsed = { kind, repo: a, tag: b }; break;
    case "tagging": parsed = { kind, repo: a, branch: b }; break;
    case "lease": parsed = { kind, job: a }; break;
  }
  if (expected !== undefined && parsed?.kind !== expected) throw new Error(`ref key ${key} is not a ${expected} ref`);
  return parsed;
}
