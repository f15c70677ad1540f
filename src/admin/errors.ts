// Errors of the admin API and the HTTP status each model error maps to (the CLI turns statuses into exit codes).
import type { RepoErrorCode } from "../repo/errors.ts";

export class AdminError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
  }
}

export function statusOf(code: RepoErrorCode): number {
  switch (code) {
    case "NoSuchRepo":
    case "NoSuchBranch":
    case "NoSuchCommit":
    case "NoSuchVersion":
    case "NoSuchUpload":
      return 404;
    case "RepoExists":
    case "BranchExists":
    case "BranchNotEmpty":
    case "RepoHasBranches":
    case "NoOpenCommit":
    case "CommitAlreadyOpen":
      return 409;
    case "PreconditionFailed":
      return 412;
    case "InvalidName":
      return 400;
  }
}
