// Admin JSON API for users, tokens and roles (the same operations as `strata auth`, for a running server).
// With auth on, every call needs an admin's token: `Authorization: Bearer <token>`.
//
//   GET    /users                         → User[]
//   POST   /users           {name, admin?} → User
//   DELETE /users/:name
//   POST   /users/:name/tokens {label?}    → {token, id, user, created, label}   (the token is shown only here)
//   GET    /tokens[?user=name]             → TokenInfo[]
//   DELETE /tokens/:id                     → the revoked TokenInfo
//   PUT    /users/:name/roles/:repo {role}
//   DELETE /users/:name/roles/:repo        → {revoked: boolean}
import { type Context, Hono } from "hono";
import { type AccessControl, AccessError, type Role } from "../repo/access.ts";

export interface AuthRoutesOptions {
  /** whether auth is on: then callers must present an admin token */
  enabled: () => boolean;
}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const value: unknown = await c.req.json().catch(() => ({}));
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");

export function createAuthRoutes(access: AccessControl, options: AuthRoutesOptions): Hono {
  const app = new Hono();
  app.use("*", async (c, next) => {
    if (!options.enabled()) return next();
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const user = token ? access.userForToken(token) : undefined;
    if (!user) return c.json({ error: "an admin token is needed: Authorization: Bearer <token>" }, 401);
    if (!user.admin) return c.json({ error: `user ${user.name} is not an admin` }, 403);
    return next();
  });
  app.onError((err, c) => {
    if (err instanceof AccessError) return c.json({ error: err.message }, 400);
    throw err;
  });

  app.get("/users", (c) => c.json(access.listUsers()));
  app.post("/users", async (c) => {
    const b = await jsonBody(c);
    return c.json(await access.createUser(text(b.name), { admin: b.admin === true }), 201);
  });
  app.delete("/users/:name", async (c) => {
    await access.deleteUser(c.req.param("name"));
    return c.body(null, 204);
  });
  app.post("/users/:name/tokens", async (c) => {
    const { token, info } = await access.createToken(c.req.param("name"), text((await jsonBody(c)).label) || undefined);
    return c.json({ token, ...info }, 201);
  });
  app.get("/tokens", (c) => c.json(access.listTokens(c.req.query("user"))));
  app.delete("/tokens/:id", async (c) => c.json(await access.revokeToken(c.req.param("id"))));
  app.put("/users/:name/roles/:repo", async (c) => {
    const role = text((await jsonBody(c)).role) as Role;
    await access.grant(c.req.param("name"), role, c.req.param("repo"));
    return c.json({ user: c.req.param("name"), repo: c.req.param("repo"), role });
  });
  app.delete("/users/:name/roles/:repo", async (c) => c.json({ revoked: await access.revoke(c.req.param("name"), c.req.param("repo")) }));
  return app;
}
