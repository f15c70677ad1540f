// What a ref given to the admin API names (a commit, or a branch's head) and shows, with the admin API's 404s
// for a commit that is not where the ref says.
import type { CommitInfo, RepoService, Snapshot } from "../repo/service.ts";
import { parseRef, type Ref } from "../repo/ref-names.ts";
import { AdminError } from "./errors.ts";

/** The commit a ref names: the commit itself, or a branch's head (undefined while the branch has none). */
export function resolveCommit(repo: RepoService, ref: Ref, text: string): CommitInfo | undefined {
  if (ref.commit) {
    const commit = repo.findCommit(ref.repo, ref.commit);
    if (!commit || (ref.branch && !repo.inHistory(ref.repo, ref.branch, ref.commit))) {
      throw new AdminError("NoSuchCommit", `${text}: commit ${ref.commit} is not in ${ref.branch ? `the history of ${ref.branch}.${ref.repo}` : `repo ${ref.repo}`}`, 404);
    }
    return commit;
  }
  repo.requireBranch(ref.repo, ref.branch!);
  return repo.headCommit(ref.repo, ref.branch!);
}

/** What a ref shows: its commit's tree (nothing while its branch has no commits). */
export function snapshotOf(repo: RepoService, text: string): Snapshot {
  const ref = parseRef(text);
  const commit = resolveCommit(repo, ref, text);
  return commit ? repo.snapshot({ repo: ref.repo, commit: commit.id }) : repo.snapshot({ repo: ref.repo, branch: ref.branch });
}
