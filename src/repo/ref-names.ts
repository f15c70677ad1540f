// The naming grammar of refs, one home for S3 buckets, the admin API and the CLI (see docs/format.md, "Names"):
//   repo                 branch master of repo
//   branch.repo          a branch (its head)
//   commit.repo          a commit of the repo, whichever branch made it
//   commit.branch.repo   a commit in the history of a branch
// Repo and branch names are 1-63 characters of a-z, 0-9 and '-' (so a dot always splits cleanly); a commit id is
// 32 lowercase hex digits. S3's own bucket-name rules are checked by the S3 layer on top of these.

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

/** `commit.branch.repo`: a commit as seen in a branch's history. */
/** A branch (`branch.repo` or `repo`) for what writes; commit refs are refused. */
export function parseBranchRef(text: string): { repo: string; branch: string } {
  const ref = parseRef(text);
  if (ref.commit || !ref.branch) throw new RefSyntaxError(text, "branch", `${text} names a commit; this needs a branch (branch.repo)`);
  return { repo: ref.repo, branch: ref.branch };
}

export const commitRef = (repo: string, branch: string, commit: string): string => `${commit}.${branch}.${repo}`;
