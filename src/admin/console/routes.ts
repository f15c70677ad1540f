// The web console under /_strata/console/: one embedded page and script (page.ts) over the admin JSON API, and
// the console's own routes: sign-in (a session cookie, sessions.ts) and the dashboard's last hour of metrics.
// Mounted before the admin API so its static assets and sign-in need no admin role; the data it shows comes
// through the admin routes, which check the caller as for the CLI.
import { type Context, Hono } from "hono";
import { AdminError, errorResponse } from "../errors.ts";
import type { MetricsHistory } from "../metrics-history.ts";
import { requestTarget } from "../../runtime/request-target.ts";
import { CONSOLE_HTML, CONSOLE_JS } from "./page.ts";
import { type ConsoleSessions, sessionCookie } from "./sessions.ts";

export const CONSOLE_PATH = "/_strata/console/";

export interface ConsoleDeps {
  sessions: ConsoleSessions;
  /** whether auth is on now */
  authOn: () => boolean;
  history: MetricsHistory;
}

export function createConsoleRoutes(deps: ConsoleDeps): Hono {
  const app = new Hono();
  app.onError(errorResponse);
  const headers = { "cache-control": "no-cache", "x-content-type-options": "nosniff" };
  app.get("/_strata/console", (c) => c.redirect(CONSOLE_PATH, 302));
  app.get(CONSOLE_PATH, (c) =>
    c.body(CONSOLE_HTML, 200, {
      ...headers,
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'self'; img-src 'self' blob: data:; style-src 'unsafe-inline'; frame-ancestors 'none'",
    }));
  app.get(`${CONSOLE_PATH}app.js`, (c) => c.body(CONSOLE_JS, 200, { ...headers, "content-type": "text/javascript; charset=utf-8" }));

  // Who the console is signed in as. With auth off there is no one to be: the console may do anything.
  app.get(`${CONSOLE_PATH}session`, (c) => {
    if (!deps.authOn()) return c.json({ auth: false });
    const session = deps.sessions.current(c.req.raw);
    if (!session) return c.json({ auth: true });
    const { name, admin, roles } = session.user;
    return c.json({ auth: true, user: { name, admin, roles }, csrf: session.csrf });
  });
  app.post(`${CONSOLE_PATH}session`, async (c) => {
    // JSON only: a cross-site form cannot send it without a preflight, so no other page signs a browser in.
    if (!(c.req.header("content-type") ?? "").startsWith("application/json")) throw new AdminError("InvalidRequest", "sign in with a JSON body", 415);
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    const text = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : undefined);
    const { id, csrf, user } = deps.sessions.signIn({ token: text("token"), accessKey: text("accessKey"), secret: text("secret") });
    c.header("set-cookie", sessionCookie(id, isHttps(c)));
    return c.json({ auth: true, user: { name: user.name, admin: user.admin, roles: user.roles }, csrf });
  });
  app.delete(`${CONSOLE_PATH}session`, (c) => {
    deps.sessions.signOut(c.req.raw);
    c.header("set-cookie", sessionCookie("", isHttps(c)));
    return c.json({ auth: deps.authOn() });
  });

  // The dashboard's data: what /metrics tells anyone, per minute (so signed in, or auth off, is enough).
  app.get(`${CONSOLE_PATH}stats`, (c) => {
    if (deps.authOn() && !deps.sessions.current(c.req.raw)) throw new AdminError("AccessDenied", "sign in to see the dashboard", 403);
    return c.json({ samples: deps.history.samples() });
  });
  return app;
}

const isHttps = (c: Context) => new URL(c.req.url).protocol === "https:";

/** A browser's plain visit to `/`: HTML wanted, no S3 signature (header or query). S3 clients never send Accept: text/html. */
export function isBrowserVisit(raw: Request): boolean {
  if (raw.method !== "GET" || raw.headers.has("authorization")) return false;
  if (requestTarget(raw) !== "/") return false;
  return (raw.headers.get("accept") ?? "").includes("text/html");
}
