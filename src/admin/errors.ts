// Errors of the admin API, the HTTP status each model error maps to (the CLI turns statuses into exit codes),
// and the one shape every error answer takes: {"error": {"code", "message"}}.
import type { Context } from "hono";
import { AccessError, type AccessErrorCode } from "../repo/access.ts";
import { RepoError, type RepoErrorCode } from "../repo/errors.ts";
import { RequestBodyError } from "../runtime/request-target.ts";
import { RefSyntaxError } from "../repo/ref-names.ts";
import { UnavailableError } from "../util/unavailable.ts";

export class AdminError extends Error {
  /** @param details more fields of the error object, for what a message can't list (a merge's conflicts) */
  constructor(readonly code: string, message: string, readonly status: number, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

export function statusOf(code: RepoErrorCode | AccessErrorCode): number {
  switch (code) {
    case "NoSuchRepo":
    case "NoSuchBranch":
    case "NoSuchCommit":
    case "NoSuchVersion":
    case "NoSuchUpload":
    case "NoSuchUser":
    case "NoSuchToken":
    case "NoSuchTag":
      return 404;
    case "RepoExists":
    case "BranchExists":
    case "BranchNotEmpty":
    case "RepoHasBranches":
    case "NoOpenCommit":
    case "CommitAlreadyOpen":
    case "UserExists":
    case "AmbiguousToken":
    case "TagExists":
    case "LastAdmin":
      return 409;
    case "BranchProtected":
    case "IsTag":
      return 403;
    case "PreconditionFailed":
      return 412;
    case "InvalidName":
    case "InvalidRole":
      return 400;
  }
}

/**
 * What a client is told when PostgreSQL, the object store or the disk is away or full: the error's client message
 * (a full disk says so), else only that it may retry. The cause (host names, driver errors, paths) goes to the log,
 * as S3's 503s keep it (s3/errors.ts, unavailable).
 */
function unavailableMessage(err: UnavailableError): string {
  if (err.clientMessage) return err.clientMessage;
  console.error("admin storage unavailable:", err.message);
  return err.code === "SlowDown"
    ? "the server is busy (too many conflicting writes); nothing was changed, try again"
    : "the server's storage is unavailable; nothing was changed, try again (the server log has the details)";
}

/** The error answer for anything a route threw; internal failures are logged, never sent. */
export function errorResponse(err: unknown, c: Context): Response {
  const answer = (code: string, message: string, status: number, details?: Record<string, unknown>) => c.json({ error: { code, message, ...details } }, status as 400);
  if (err instanceof AdminError) return answer(err.code, err.message, err.status, err.details);
  if (err instanceof RepoError || err instanceof AccessError) return answer(err.code, err.message, statusOf(err.code));
  if (err instanceof RefSyntaxError) return answer("InvalidRef", err.message, 400);
  if (err instanceof UnavailableError) return answer(err.code, unavailableMessage(err), 503);
  if (err instanceof RequestBodyError) return answer("IncompleteBody", err.message, 400);
  console.error("admin internal error:", err);
  // The log has the details; a client gets no internal message (paths, stack frames, store state).
  return answer("InternalError", "internal error; the server log has the details", 500);
}
