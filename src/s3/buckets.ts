// Bucket names ↔ refs: a bucket is a ref (`repo`, `branch.repo`, `commit.repo`, `commit.branch.repo`) that also
// keeps S3's bucket-name rules; both live in repo/ref-names.ts.
import { bucketNameProblem, DEFAULT_BRANCH, parseRef, RefSyntaxError, type RefSyntaxProblem } from "../repo/ref-names.ts";
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
  /**
   * set when `branch.repo` names one of the repo's tags instead (they share one namespace; which one it is is the
   * repo's state, not the name's, so s3/targets.ts sets it): a read-only bucket of the commit the tag names
   */
  tag?: string;
}

const invalid = (name: string, why: string) => new S3Error("InvalidBucketName", `The specified bucket is not valid: ${why}.`, { BucketName: name });

const WHY: Record<RefSyntaxProblem, string> = {
  name: "repo and branch names use a-z, 0-9 and '-', and buckets are branch.repo or commit.branch.repo",
  commit: "in commit.branch.repo the commit is 32 lowercase hex characters",
  parts: "a bucket is repo, branch.repo, commit.repo or commit.branch.repo",
  branch: "a bucket is repo, branch.repo, commit.repo or commit.branch.repo",
};

export function parseBucket(name: string): BucketTarget {
  // S3's own naming rules first, so clients get the error they expect
  const problem = bucketNameProblem(name);
  if (problem) throw invalid(name, problem);
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
