// The admin API for users, tokens and roles, called on the Hono sub-app directly.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import { createAuthRoutes } from "../../src/admin/auth-routes.ts";
import { AccessControl } from "../../src/repo/access.ts";
import { Store } from "../../src/store/store.ts";
import { tempDir } from "../helpers/server.ts";

let dir: string;
let store: Store;
let access: AccessControl;
let adminToken: string;
let app: ReturnType<typeof createAuthRoutes>;
beforeAll(async () => {
  dir = tempDir();
  store = Store.open(dir);
  access = new AccessControl(store);
  adminToken = (await access.enable())!.token;
  app = createAuthRoutes(access, { enabled: () => true });
});
afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, token: string | undefined, body?: unknown) =>
  app.request(path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

test("an admin manages users, tokens and roles; others are turned away", async () => {
  expect((await call("GET", "/users", undefined)).status).toBe(401);
  expect((await call("POST", "/users", adminToken, { name: "dana" })).status).toBe(201);
  const created = await (await call("POST", "/users/dana/tokens", adminToken, { label: "ci" })).json();
  expect(access.userForToken(created.token)?.name).toBe("dana");
  expect((await call("GET", "/users", created.token)).status).toBe(403);
  expect((await call("PUT", "/users/dana/roles/photos", adminToken, { role: "writer" })).status).toBe(200);
  expect(access.getUser("dana")?.roles).toEqual({ photos: "writer" });
  const bad = await call("PUT", "/users/dana/roles/photos", adminToken, { role: "king" });
  expect(bad.status).toBe(400);
  expect((await bad.json()).error).toContain("a role is one of");
  expect(await (await call("DELETE", "/users/dana/roles/photos", adminToken)).json()).toEqual({ revoked: true });
  const tokens = await (await call("GET", "/tokens?user=dana", adminToken)).json();
  expect(tokens.map((t: { id: string }) => t.id)).toEqual([created.id]);
  expect(JSON.stringify(tokens)).not.toContain(created.token);
  expect((await call("DELETE", `/tokens/${created.id}`, adminToken)).status).toBe(200);
  expect(access.userForToken(created.token)).toBeUndefined();
  expect((await call("DELETE", "/users/dana", adminToken)).status).toBe(204);
  expect(access.getUser("dana")).toBeUndefined();
});
