// Errors of the versioned model, named for what went wrong; the S3 and admin layers map them to their codes.
export type RepoErrorCode =
  | "NoSuchRepo"
  | "NoSuchBranch"
  | "NoSuchCommit"
  | "NoSuchVersion"
  | "RepoExists"
  | "BranchExists"
  | "BranchNotEmpty"
  | "RepoHasBranches"
  | "NoOpenCommit"
  | "CommitAlreadyOpen"
  | "PreconditionFailed"
  | "NoSuchUpload"
  | "InvalidName"
  | "NoSuchTag"
  | "TagExists"
  | "BranchProtected"
  | "IsTag";

export class RepoError extends Error {
  constructor(readonly code: RepoErrorCode, message: string) {
    super(message);
  }
}

/** What anything that writes (S3, the admin API) answers when the branch it names is a tag. */
export function tagIsReadOnly(repo: string, tag: string, commit: string): RepoError {
  return new RepoError(
    "IsTag",
    `${tag}.${repo} is a tag, which is read-only: it names commit ${commit} for good. Write to a branch instead (a tag is deleted with strata tag delete ${tag}.${repo}).`,
  );
}
