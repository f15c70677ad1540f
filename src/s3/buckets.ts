// Bucket names ↔ refs: `repo` (branch master), `branch.repo`, `commit.repo`, `commit.branch.repo`.
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

export const DEFAULT_BRANCH = "master";
const COMMIT = /^[0-9a-f]{32}$/;
const PART = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** S3's own naming rules, checked before ours so clients get the error they expect. */
export function checkBucketName(name: string): void {
  const bad = (why: string) => new S3Error("InvalidBucketName", `The specified bucket is not valid: ${why}.`, { BucketName: name });
  if (name.length < 3 || name.length > 63) throw bad("a bucket name is 3 to 63 characters long");
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) throw bad("use lowercase letters, digits, '.' and '-', starting and ending with a letter or digit");
  if (name.includes("..") || name.includes(".-") || name.includes("-.")) throw bad("dots may not be adjacent to dots or dashes");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) throw bad("a bucket name may not look like an IP address");
}

export function parseBucket(name: string): BucketTarget {
  checkBucketName(name);
  const parts = name.split(".");
  const bad = (why: string) => new S3Error("InvalidBucketName", `The specified bucket is not valid: ${why}.`, { BucketName: name });
  if (!parts.every((p) => PART.test(p))) throw bad("repo and branch names use a-z, 0-9 and '-', and buckets are branch.repo or commit.branch.repo");
  switch (parts.length) {
    case 1:
      return { name, repo: parts[0], branch: DEFAULT_BRANCH };
    case 2:
      return COMMIT.test(parts[0])
        ? { name, repo: parts[1], branch: DEFAULT_BRANCH, commit: parts[0], anyBranch: true }
        : { name, repo: parts[1], branch: parts[0] };
    case 3:
      if (!COMMIT.test(parts[0])) throw bad("in commit.branch.repo the commit is 32 lowercase hex characters");
      return { name, repo: parts[2], branch: parts[1], commit: parts[0] };
    default:
      throw bad("a bucket is repo, branch.repo, commit.repo or commit.branch.repo");
  }
}

/** The canonical bucket of a branch, as ListBuckets shows it. */
export const branchBucket = (repo: string, branch: string): string => `${branch}.${repo}`;
