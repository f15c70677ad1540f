// The admin API's auth routes on a running server with auth on: who may call them (Bearer or SigV4), the
// {"error": {code, message}} shape, ISO times, and roles only in repos that exist.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type AuthServer, withAuthServer } from "./helpers.ts";

let server: AuthServer;
beforeAll(async () => {
  server = await withAuthServer("photos");
});
afterAll(() => server.stop());

const call = (method: string, path: string, token: string | undefined, body?: unknown) =>
  fetch(`${server.url}/_strata/auth${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test("an admin manages users, tokens and roles; others are turned away, in the admin API's error shape", async () => {
  const anonymous = await call("GET", "/users", undefined);
  expect(anonymous.status).toBe(403);
  expect((await anonymous.json()).error).toMatchObject({ code: "AccessDenied" });
  const unknown = await call("GET", "/users", "strata_0000000000000000000000000000000000000000");
  expect([unknown.status, (await unknown.json()).error.code]).toEqual([403, "InvalidAccessKeyId"]);
  const reader = await call("GET", "/users", server.tokens.reader);
  expect([reader.status, (await reader.json()).error.code]).toEqual([403, "AccessDenied"]);

  const made = await call("POST", "/users", server.tokens.admin, { name: "dana" });
  expect(made.status).toBe(201);
  expect((await made.json()).created).toMatch(ISO);
  const dup = await call("POST", "/users", server.tokens.admin, { name: "dana" });
  expect([dup.status, (await dup.json()).error.code]).toEqual([409, "UserExists"]);
  const created = await (await call("POST", "/users/dana/tokens", server.tokens.admin, { label: "ci" })).json();
  expect(created).toMatchObject({ user: "dana", label: "ci", created: expect.stringMatching(ISO) });
  expect((await call("PUT", "/users/dana/roles/photos", server.tokens.admin, { role: "writer" })).status).toBe(200);
  const bad = await call("PUT", "/users/dana/roles/photos", server.tokens.admin, { role: "king" });
  expect([bad.status, (await bad.json()).error.code]).toEqual([400, "InvalidRole"]);
  const missingRepo = await call("PUT", "/users/dana/roles/no-such-repo", server.tokens.admin, { role: "reader" });
  expect([missingRepo.status, (await missingRepo.json()).error.code]).toEqual([404, "NoSuchRepo"]);
  const ghost = await call("PUT", "/users/ghost/roles/photos", server.tokens.admin, { role: "reader" });
  expect([ghost.status, (await ghost.json()).error]).toEqual([404, { code: "NoSuchUser", message: "no user ghost" }]);
  expect(await (await call("DELETE", "/users/dana/roles/photos", server.tokens.admin)).json()).toEqual({ user: "dana", repo: "photos", revoked: true });
  const { tokens } = await (await call("GET", "/tokens?user=dana", server.tokens.admin)).json();
  expect(tokens.map((t: { id: string }) => t.id)).toEqual([created.id]);
  expect(JSON.stringify(tokens)).not.toContain(created.token);
  const revoked = await call("DELETE", `/tokens/${created.id}`, server.tokens.admin);
  expect((await revoked.json()).revoked).toMatchObject({ id: created.id, user: "dana" });
  expect((await call("GET", "/users", created.token)).status).toBe(403);
  expect(await (await call("DELETE", "/users/dana", server.tokens.admin)).json()).toEqual({ deleted: "dana" });
  const { users } = await (await call("GET", "/users", server.tokens.admin)).json();
  expect(users.map((u: { name: string }) => u.name)).not.toContain("dana");
  // serve --auth holds auth on: disable cannot turn it off under it.
  const disable = await call("POST", "/disable", server.tokens.admin);
  expect([disable.status, (await disable.json()).error.code]).toEqual([409, "AuthRequired"]);
});
