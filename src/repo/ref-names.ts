// The naming grammar of refs, one home for S3 buckets, the admin API and the CLI (see docs/format.md, "Names"):
//   repo                 branch master of repo
//   branch.repo          a branch (its head)
//   commit.repo          a commit of the repo, whichever branch made it
//   commit.branch.repo   a commit in the history of a branch
// Repo and branch names are 1-63 characters of a-z, 0-9 and '-' (so a dot always splits cleanly); a commit id is
// 32 lowercase hex digits. A ref used as an S3 bucket name also keeps S3's own bucket-name rules (bucketNameProblem).

export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const COMMIT_ID = /^[0-9a-f]{32}$/;
/** The branch `repo` alone names. */
export const DEFAULT_BRANCH = "master";

export interface Ref {
  repo: string;
  /** absent for `commit.repo` (any commit of the repo) */
  branch?: string;
  commit?: string;
}

/**
 * What is wrong with text that is not the ref wanted: a part is no name, the first of three parts is no commit,
 * more than three parts, or a commit where a branch is needed.
 */
export type RefSyntaxProblem = "name" | "commit" | "parts" | "branch";

export class RefSyntaxError extends Error {
  constructor(
    readonly text: string,
    readonly problem: RefSyntaxProblem,
    message = `${JSON.stringify(text)} is not a ref: write repo, branch.repo, commit.repo or commit.branch.repo (names use a-z, 0-9 and '-', commits are 32 hex digits)`,
  ) {
    super(message);
  }
}

/**
 * What breaks AWS's general purpose bucket naming rules in `name`, as a sentence for the error, or undefined when
 * nothing does (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). The grammar of refs
 * (parseRef) is stricter still about where dots go; these are the rules every S3 client and SDK may check first.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "a bucket name is 3 to 63 characters long";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return "use lowercase letters, digits, '.' and '-', starting and ending with a letter or digit";
  if (name.includes("..")) return "a bucket name may not have two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "a bucket name may not be formatted as an IP address";
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `a bucket name may not start with ${prefix} (reserved by S3)`;
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix) return `a bucket name may not end with ${suffix} (reserved by S3)`;
  return undefined;
}

/**
 * Repo names that the server's own top-level paths take (server-app.ts routes GET /healthz and GET /metrics; the
 * admin API's /_strata is no name at all). A bucket of such a repo would get the server's page for some requests
 * instead of S3's answer, so no new repo may take one: S3's CreateBucket answers 400 InvalidBucketName, the admin
 * API and the CLI InvalidName. What each path is, for the message.
 */
export const SERVER_PATHS: Readonly<Record<string, string>> = { healthz: "the health check", metrics: "the Prometheus metrics" };

/** Why `repo` can't be the name of a new repo beyond the grammar (it is one of the server's paths), or undefined. */
export function reservedRepoProblem(repo: string): string | undefined {
  const what = Object.hasOwn(SERVER_PATHS, repo) ? SERVER_PATHS[repo] : undefined;
  return what && `the name ${repo} is reserved: /${repo} is the server's own path (${what}); pick another repo name`;
}

/** Reserved by S3: xn-- (punycode), sthree- and amzn-s3-demo- (S3's own). */
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
/** Reserved by S3 for access point aliases, Object Lambda, Multi-Region Access Points, directory and table buckets. */
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

export function parseRef(text: string): Ref {
  const parts = text.split(".");
  if (!parts.every((p) => NAME_PATTERN.test(p))) throw new RefSyntaxError(text, "name");
  if (parts.length > 3) throw new RefSyntaxError(text, "parts");
  const repo = parts[parts.length - 1];
  if (parts.length === 1) return { repo, branch: DEFAULT_BRANCH };
  if (parts.length === 2) return COMMIT_ID.test(parts[0]) ? { repo, commit: parts[0] } : { repo, branch: parts[0] };
  if (!COMMIT_ID.test(parts[0])) throw new RefSyntaxError(text, "commit");
  return { repo, branch: parts[1], commit: parts[0] };
}

/** Splits `ref/some/path` (ls, put, get) into the ref and the path ("" when none). */
export function splitRefPath(text: string): { ref: Ref; refText: string; path: string } {
  const slash = text.indexOf("/");
  const refText = slash < 0 ? text : text.slice(0, slash);
  return { ref: parseRef(refText), refText, path: slash < 0 ? "" : text.slice(slash + 1) };
}

/** `branch.repo`: how a branch is written (and the bucket ListBuckets shows for it). */
export const branchRef = (repo: string, branch: string): string => `${branch}.${repo}`;

/** A branch (`branch.repo` or `repo`) for what writes; commit refs are refused. */
export function parseBranchRef(text: string): { repo: string; branch: string } {
  const ref = parseRef(text);
  if (ref.commit || !ref.branch) throw new RefSyntaxError(text, "branch", `${text} names a commit; this needs a branch (branch.repo)`);
  return { repo: ref.repo, branch: ref.branch };
}

/** `commit.branch.repo`: a commit as seen in a branch's history. */
export const commitRef = (repo: string, branch: string, commit: string): string => `${commit}.${branch}.${repo}`;
