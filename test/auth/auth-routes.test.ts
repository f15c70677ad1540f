// The admin API's auth routes on a running server with auth on: who may call them (Bearer or SigV4), the
// {"error": {code, message}} shape, ISO times, and roles only in repos that exist.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
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
  const lastAdmin = await call("DELETE", "/users/admin", server.tokens.admin);
  expect([lastAdmin.status, (await lastAdmin.json()).error.code]).toEqual([409, "LastAdmin"]);
  // serve --auth holds auth on: disable cannot turn it off under it.
  const disable = await call("POST", "/disable", server.tokens.admin);
  expect([disable.status, (await disable.json()).error.code]).toEqual([409, "AuthRequired"]);
});

test("with auth on, /metrics needs a token: any user's, Bearer or SigV4; --metrics-public opens it", async () => {
  for (const path of ["/metrics", "/_strata/metrics"]) {
    const anonymous = await fetch(server.url + path);
    expect([anonymous.status, (await anonymous.json()).error.code]).toEqual([403, "AccessDenied"]);
    const unknown = await fetch(server.url + path, { headers: { authorization: "Bearer strata_0000000000000000000000000000000000000000" } });
    expect(unknown.status).toBe(403);
    // A scraper's user needs no role in any repo.
    const scraper = await fetch(server.url + path, { headers: { authorization: `Bearer ${server.tokens.none}` } });
    expect(scraper.status).toBe(200);
    expect(await scraper.text()).toContain("strata_requests_total");
  }
  const signer = new SignatureV4({ service: "s3", region: "us-east-1", sha256: Sha256, credentials: { accessKeyId: server.tokens.none, secretAccessKey: server.tokens.none } });
  const url = new URL(server.url + "/metrics");
  const signed = await signer.sign(new HttpRequest({ method: "GET", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/metrics", headers: { host: url.host } }));
  expect((await fetch(server.url + "/metrics", { headers: signed.headers })).status).toBe(200);

  const open = await withAuthServer("photos", { metricsPublic: true });
  try {
    expect((await fetch(open.url + "/metrics")).status).toBe(200);
  } finally {
    await open.stop();
  }
});
