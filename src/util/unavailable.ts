// A dependency the store needs (PostgreSQL, the object store, the local disk) is unreachable, overloaded or full.
// Nothing was applied; the request may be retried. The S3 layer answers it with 503 (ServiceUnavailable, or
// SlowDown under contention).
export class UnavailableError extends Error {
  /**
   * `clientMessage`: what the client is told; absent, the S3 table's message (the cause, with host names and driver
   * errors, is the server's business).
   */
  constructor(message: string, readonly code: "ServiceUnavailable" | "SlowDown" = "ServiceUnavailable", readonly clientMessage?: string) {
    super(message);
  }
}

/**
 * The data dir's disk is full (or its quota used up): a write was refused before it changed anything, or failed
 * and was undone. Clients get 503 ServiceUnavailable naming the full disk; deletes and gc keep working (they use
 * the reserve, store/disk-space.ts). Writes work again as soon as space is freed, without a restart.
 */
export class DiskFullError extends UnavailableError {
  constructor(detail: string) {
    super(
      `disk full: ${detail}`,
      "ServiceUnavailable",
      "The server is out of disk space (its disk is full): new objects are refused until space is freed. Deleting objects or versions still works; then run gc.",
    );
  }
}

/** Whether a file-system error means no space is left (ENOSPC) or the user's quota is used up (EDQUOT). */
export const isNoSpace = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT";
};
