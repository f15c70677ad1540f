// Exit codes scripts can rely on, what each means (the one home of both: `strata --help` prints this table and
// the README's table is checked against it), and the error that carries one.
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unreachable: 5,
  denied: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_MEANINGS: Record<ExitCode, string> = {
  0: "ok",
  1: "failure (also: output that could not be written, e.g. to a closed pipe)",
  2: "usage or invalid input (a bad flag, ref or name; a --data-dir that is not a data dir)",
  3: "not found (repo, branch, commit, object, user, file)",
  4: "conflict (exists, not empty, open commit, branch with commits, merge conflict, data dir or port in use, last admin)",
  5: "server unreachable, or its TLS certificate untrusted",
  6: "access denied (also: a write to a protected branch or to a tag)",
};

export class CliError extends Error {
  /**
   * @param details what the server's error answer said besides its code and message (a merge conflict's keys),
   *   passed on in the --json error document
   */
  constructor(readonly exitCode: number, message: string, readonly code?: string, readonly details?: Record<string, unknown>) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message, "Usage");

/** Exit code for an HTTP status from the server. */
export function exitCodeOf(status: number): number {
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412) return EXIT.conflict;
  if (status === 400) return EXIT.usage;
  if (status === 401 || status === 403) return EXIT.denied;
  return EXIT.failure;
}
