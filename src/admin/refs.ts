// What a ref given to the admin API names (a commit, a tag's commit, or a branch's head) and shows, with the admin
// API's 404s for a commit that is not where the ref says.
import type { CommitInfo, CommitRef, RepoService, Snapshot } from "../repo/service.ts";
import { parseRef, type Ref } from "../repo/ref-names.ts";
import { AdminError } from "./errors.ts";

/** The commit a ref names: the commit itself, a tag's commit, or a branch's head (undefined while the branch has none). */
export function resolveCommit(repo: RepoService, ref: Ref, text: string): CommitInfo | undefined {
  if (ref.commit) {
    const commit = repo.findCommit(ref.repo, ref.commit);
    if (!commit || (ref.branch && !repo.inHistory(ref.repo, ref.branch, ref.commit))) {
      throw new AdminError("NoSuchCommit", `${text}: commit ${ref.commit} is not in ${ref.branch ? `the history of ${ref.branch}.${ref.repo}` : `repo ${ref.repo}`}`, 404);
    }
    return commit;
  }
  const tag = repo.tag(ref.repo, ref.branch!);
  if (tag) return repo.findCommit(ref.repo, tag.commit);
  repo.requireBranch(ref.repo, ref.branch!);
  return repo.headCommit(ref.repo, ref.branch!);
}

/** What a ref shows: its commit's tree (nothing while its branch has no commits). */
export function snapshotOf(repo: RepoService, text: string): Snapshot {
  const ref = parseRef(text);
  const commit = resolveCommit(repo, ref, text);
  return commit ? repo.snapshot({ repo: ref.repo, commit: commit.id }) : repo.snapshot({ repo: ref.repo, branch: ref.branch });
}

/**
 * A ref to a commit of `repo` given where one is wanted (merge's from, a tag's commit, branch create's from): a
 * commit id or a branch or tag name of the repo, or a whole ref (commit.repo, branch.repo, commit.branch.repo).
 */
export function commitRefIn(repo: string, text: string, field: string): CommitRef {
  const ref = parseRef(text.includes(".") ? text : `${text}.${repo}`);
  if (ref.repo !== repo) throw new AdminError("InvalidRequest", `${field} ${text} is in repo ${ref.repo}, not ${repo}`, 400);
  return ref;
}
