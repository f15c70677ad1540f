// Bucket names ↔ refs: a bucket is a ref (`repo`, `branch.repo`, `commit.repo`, `commit.branch.repo`, grammar in
// repo/ref-names.ts) that also keeps S3's bucket-name rules.
import { DEFAULT_BRANCH, parseRef, RefSyntaxError, type RefSyntaxProblem } from "../repo/ref-names.ts";
import { S3Error } from "./errors.ts";

export interface BucketTarget {
  /** the bucket name as the client sent it */
  name: string;
  repo: string;
  branch: string;
  /** set for commit-addressed (read-only) buckets */
  commit?: string;
  /** a commit bucket without a branch: any commit of the repo may be read */
  anyBranch?: boolean;
  /** reads see the branch's open commit rather than its head (a job's output bucket) */
  readsOpenCommit?: boolean;
}

const invalid = (name: string, why: string) => new S3Error("InvalidBucketName", `The specified bucket is not valid: ${why}.`, { BucketName: name });

/** S3's own naming rules, checked before ours so clients get the error they expect. */
export function checkBucketName(name: string): void {
  if (name.length < 3 || name.length > 63) throw invalid(name, "a bucket name is 3 to 63 characters long");
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) throw invalid(name, "use lowercase letters, digits, '.' and '-', starting and ending with a letter or digit");
  if (name.includes("..") || name.includes(".-") || name.includes("-.")) throw invalid(name, "dots may not be adjacent to dots or dashes");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) throw invalid(name, "a bucket name may not look like an IP address");
}

const WHY: Record<RefSyntaxProblem, string> = {
  name: "repo and branch names use a-z, 0-9 and '-', and buckets are branch.repo or commit.branch.repo",
  commit: "in commit.branch.repo the commit is 32 lowercase hex characters",
  parts: "a bucket is repo, branch.repo, commit.repo or commit.branch.repo",
  branch: "a bucket is repo, branch.repo, commit.repo or commit.branch.repo",
};

export function parseBucket(name: string): BucketTarget {
  checkBucketName(name);
  let ref;
  try {
    ref = parseRef(name);
  } catch (err) {
    if (err instanceof RefSyntaxError) throw invalid(name, WHY[err.problem]);
    throw err;
  }
  if (ref.branch === undefined) return { name, repo: ref.repo, branch: DEFAULT_BRANCH, commit: ref.commit, anyBranch: true };
  return ref.commit ? { name, repo: ref.repo, branch: ref.branch, commit: ref.commit } : { name, repo: ref.repo, branch: ref.branch };
}
