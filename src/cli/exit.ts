// Exit codes scripts can rely on, and the error that carries one.
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unreachable: 5,
  denied: 6,
} as const;

export class CliError extends Error {
  /** @param details the error answer's other fields (a merge conflict's keys) */
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
