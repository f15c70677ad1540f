// The web console under /_strata/console/: one embedded page and script (page.ts) over the admin JSON API.
// Mounted before the admin API so its static assets need no admin role; the data it shows comes through the
// admin routes, which check the caller as for the CLI.
import { Hono } from "hono";
import { requestTarget } from "../../runtime/request-target.ts";
import { CONSOLE_HTML, CONSOLE_JS } from "./page.ts";

export const CONSOLE_PATH = "/_strata/console/";

export function createConsoleRoutes(): Hono {
  const app = new Hono();
  const headers = { "cache-control": "no-cache", "x-content-type-options": "nosniff" };
  app.get("/_strata/console", (c) => c.redirect(CONSOLE_PATH, 302));
  app.get(CONSOLE_PATH, (c) => c.body(CONSOLE_HTML, 200, { ...headers, "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'self'; img-src 'self' blob: data:; style-src 'unsafe-inline'" }));
  app.get(`${CONSOLE_PATH}app.js`, (c) => c.body(CONSOLE_JS, 200, { ...headers, "content-type": "text/javascript; charset=utf-8" }));
  return app;
}

/** A browser's plain visit to `/`: HTML wanted, no S3 signature (header or query). S3 clients never send Accept: text/html. */
export function isBrowserVisit(raw: Request): boolean {
  if (raw.method !== "GET" || raw.headers.has("authorization")) return false;
  if (requestTarget(raw) !== "/") return false;
  return (raw.headers.get("accept") ?? "").includes("text/html");
}
