// A dependency the store needs (PostgreSQL, the object store) is unreachable or overloaded. Nothing was applied;
// the request may be retried. The S3 layer answers it with 503 (ServiceUnavailable, or SlowDown under contention).
export class UnavailableError extends Error {
  constructor(message: string, readonly code: "ServiceUnavailable" | "SlowDown" = "ServiceUnavailable") {
    super(message);
  }
}
