// Console sign-in with auth on: a token (or an access key and secret, which for Strata are the same token) is
// checked once and traded for a session id in an HttpOnly, SameSite=Strict cookie, so no secret is ever in a
// URL, in page script or in local storage. Sessions live in memory (a restart signs everyone out) and name their
// token, not its user: a token revoked or a role changed takes effect on the next request. State-changing
// requests also carry the session's CSRF token in a header, which a page of another site can neither read nor set.
import type { User } from "../../repo/access.ts";
import { randomHex } from "../../util/bytes.ts";
import type { Caller } from "../admin-access.ts";
import { AdminError } from "../errors.ts";

export const SESSION_COOKIE = "strata_console";
export const CSRF_HEADER = "x-strata-csrf";
/** Idle time after which a session ends (it is renewed by every request). */
const IDLE_MS = 12 * 3600_000;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

interface Session {
  token: string;
  csrf: string;
  expires: number;
}

export interface SignedIn {
  id: string;
  csrf: string;
  user: User;
}

export class ConsoleSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly userForToken: (token: string) => User | undefined, private readonly now: () => number = Date.now) {}

  /** A new session for a token, or for an access key and secret (the same token twice); refused: 403. */
  signIn(credentials: { token?: string; accessKey?: string; secret?: string }): SignedIn {
    const token = credentials.token || credentials.accessKey || "";
    const user = token && (credentials.token || credentials.secret === credentials.accessKey) ? this.userForToken(token) : undefined;
    if (!user) throw new AdminError("InvalidCredentials", "Sign-in refused: the access key and secret (or the token) are not a known token.", 403);
    this.sweep();
    const id = randomHex(32);
    const csrf = randomHex(16);
    this.sessions.set(id, { token, csrf, expires: this.now() + IDLE_MS });
    return { id, csrf, user };
  }

  signOut(raw: Request): void {
    const id = sessionId(raw);
    if (id) this.sessions.delete(id);
  }

  /** The session a request's cookie names, still valid and its token still known; renewed. */
  current(raw: Request): { user: User; csrf: string } | undefined {
    const id = sessionId(raw);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session || session.expires <= this.now()) return undefined;
    const user = this.userForToken(session.token);
    if (!user) return undefined;
    session.expires = this.now() + IDLE_MS;
    return { user, csrf: session.csrf };
  }

  /**
   * The caller of an admin request that came with a session cookie (undefined: no valid session, identify it
   * otherwise). A state-changing request must carry the session's CSRF token.
   */
  identify(raw: Request): Caller | undefined {
    const session = this.current(raw);
    if (!session) return undefined;
    if (!SAFE_METHODS.has(raw.method) && raw.headers.get(CSRF_HEADER) !== session.csrf) {
      throw new AdminError("InvalidCsrfToken", `A console request that changes something must carry the session's ${CSRF_HEADER} header.`, 403);
    }
    return { authOn: true, user: session.user };
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expires <= now) this.sessions.delete(id);
  }
}

/** The Set-Cookie value of a session (empty id and Max-Age=0: the cookie's removal). Path /_strata/: the API's. */
export function sessionCookie(id: string, secure: boolean): string {
  const parts = [`${SESSION_COOKIE}=${id}`, "Path=/_strata/", "HttpOnly", "SameSite=Strict"];
  if (secure) parts.push("Secure");
  if (id === "") parts.push("Max-Age=0");
  return parts.join("; ");
}

function sessionId(raw: Request): string | undefined {
  for (const part of (raw.headers.get("cookie") ?? "").split(";")) {
    const [name, value] = part.trim().split("=", 2);
    if (name === SESSION_COOKIE && value) return value;
  }
  return undefined;
}
