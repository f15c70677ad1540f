// Refs as people type them, written like buckets: `repo`, `branch.repo`, `commit.repo`, `commit.branch.repo`,
// optionally followed by `/path` (ls, put, get). Shared by the admin API and the CLI.
import { COMMIT_ID, NAME_PATTERN } from "../repo/versioned-store.ts";

export const DEFAULT_BRANCH = "master";

export interface Ref {
  repo: string;
  /** absent for `commit.repo` (any commit of the repo) */
  branch?: string;
  commit?: string;
}

export class RefSyntaxError extends Error {}

export function parseRef(text: string): Ref {
  const parts = text.split(".");
  const bad = () =>
    new RefSyntaxError(`${JSON.stringify(text)} is not a ref: write repo, branch.repo, commit.repo or commit.branch.repo (names use a-z, 0-9 and '-', commits are 32 hex digits)`);
  if (parts.length > 3 || parts.some((p) => !NAME_PATTERN.test(p) && !COMMIT_ID.test(p))) throw bad();
  const repo = parts[parts.length - 1];
  if (parts.length === 1) return { repo, branch: DEFAULT_BRANCH };
  if (parts.length === 2) return COMMIT_ID.test(parts[0]) ? { repo, commit: parts[0] } : { repo, branch: parts[0] };
  if (!COMMIT_ID.test(parts[0])) throw bad();
  return { repo, branch: parts[1], commit: parts[0] };
}

/** Splits `ref/some/path` into the ref and the path ("" when none). */
export function splitRefPath(text: string): { ref: Ref; refText: string; path: string } {
  const slash = text.indexOf("/");
  const refText = slash < 0 ? text : text.slice(0, slash);
  return { ref: parseRef(refText), refText, path: slash < 0 ? "" : text.slice(slash + 1) };
}

/** A branch ref (`branch.repo` or `repo`) for verbs that write; commit refs are refused. */
export function parseBranchRef(text: string): { repo: string; branch: string } {
  const ref = parseRef(text);
  if (ref.commit || !ref.branch) throw new RefSyntaxError(`${text} names a commit; this needs a branch (branch.repo)`);
  return { repo: ref.repo, branch: ref.branch };
}

