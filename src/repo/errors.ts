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
