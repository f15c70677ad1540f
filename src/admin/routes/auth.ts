// Admin JSON API for users, tokens and roles: the same operations as `strata auth`, which calls these routes on
// a running server (--server) and, offline, on this app run in-process against the data dir. Who may call them
// is decided before they run (../admin-access.ts: an admin, or anyone while auth is off). Times are ISO 8601.
//
//   GET    /status                          → {enabled, required}
//   POST   /enable                          → {enabled: true, user?, token?}  (token shown only here)
//   POST   /disable                         → {enabled: false}
//   GET    /users                           → {users: User[]}
//   POST   /users           {name, admin?}  → User
//   DELETE /users/:name                     → {deleted}
//   POST   /users/:name/tokens {label?}     → {token, id, user, created, label}   (token shown only here)
//   GET    /tokens[?user=name]              → {tokens: TokenInfo[]}
//   DELETE /tokens/:id                      → {revoked: TokenInfo}  (:id may also be the token itself)
//   PUT    /users/:name/roles/:repo {role}  → {user, repo, role}
//   DELETE /users/:name/roles/:repo         → {user, repo, revoked: boolean}
import { type Context, Hono } from "hono";
import type { AccessControl, Role, TokenInfo, User } from "../../repo/access.ts";
import { AdminError, errorResponse } from "../errors.ts";

export interface AuthRoutesOptions {
  /** whether auth is on now */
  enabled: () => boolean;
  /** whether the server was started with --auth, which `disable` cannot undo while it runs */
  required: boolean;
}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AdminError("InvalidRequest", "the request body must be a JSON object", 400);
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");
const iso = (ms: number) => new Date(ms).toISOString();
const userJson = (u: User) => ({ name: u.name, admin: u.admin, roles: u.roles, created: iso(u.created) });
const tokenJson = (t: TokenInfo) => ({ id: t.id, user: t.user, created: iso(t.created), ...(t.label ? { label: t.label } : {}) });

export function createAuthRoutes(access: AccessControl, options: AuthRoutesOptions): Hono {
  const app = new Hono();
  app.onError(errorResponse);

  app.get("/status", (c) => c.json({ enabled: options.enabled(), required: options.required }));
  app.post("/enable", async (c) => {
    const created = await access.enable();
    return c.json({ enabled: true, ...created });
  });
  app.post("/disable", async (c) => {
    if (options.required) throw new AdminError("AuthRequired", "this server was started with --auth: auth stays on until it is restarted without it", 409);
    await access.disable();
    return c.json({ enabled: false });
  });
  app.get("/users", (c) => c.json({ users: access.listUsers().map(userJson) }));
  app.post("/users", async (c) => {
    const b = await jsonBody(c);
    return c.json(userJson(await access.createUser(text(b.name), { admin: b.admin === true })), 201);
  });
  app.delete("/users/:name", async (c) => {
    await access.deleteUser(c.req.param("name"));
    return c.json({ deleted: c.req.param("name") });
  });
  app.post("/users/:name/tokens", async (c) => {
    const { token, info } = await access.createToken(c.req.param("name"), text((await jsonBody(c)).label) || undefined);
    return c.json({ token, ...tokenJson(info) }, 201);
  });
  app.get("/tokens", (c) => {
    const user = c.req.query("user");
    if (user !== undefined && !access.getUser(user)) throw new AdminError("NoSuchUser", `no user ${user}`, 404);
    return c.json({ tokens: access.listTokens(user).map(tokenJson) });
  });
  app.delete("/tokens/:id", async (c) => c.json({ revoked: tokenJson(await access.revokeToken(c.req.param("id"))) }));
  app.put("/users/:name/roles/:repo", async (c) => {
    const role = text((await jsonBody(c)).role) as Role;
    await access.grant(c.req.param("name"), role, c.req.param("repo"));
    return c.json({ user: c.req.param("name"), repo: c.req.param("repo"), role });
  });
  app.delete("/users/:name/roles/:repo", async (c) => {
    const { name, repo } = c.req.param();
    return c.json({ user: name, repo, revoked: await access.revoke(name, repo) });
  });
  app.all("*", () => {
    throw new AdminError("NotFound", "no such admin endpoint", 404);
  });
  return app;
}

/**
 * The same routes for `strata auth --data-dir` on a stopped server's dir: mounted where a server has them, so
 * the CLI speaks to both alike. Whoever holds the data dir may do anything, as with auth off.
 */
export function offlineAuthApi(access: AccessControl): (url: URL, init: RequestInit) => Promise<Response> {
  const app = new Hono().route("/_strata/auth", createAuthRoutes(access, { enabled: () => access.authEnabled(), required: false }));
  return async (url, init) => app.fetch(new Request(url, init));
}
