// POST /_strata/gc: without a body the defaults (10 min minimum pack age, 7 day upload age), with
// {minAgeSeconds, uploadMaxAgeSeconds} what it says; anything else a 400 naming the field.
import { afterAll, expect, test } from "bun:test";
import { createAdminApp } from "../../src/admin/api.ts";
import { openService } from "../helpers/repo.ts";

const repo = openService();
afterAll(() => repo.close());
const app = createAdminApp({ repo, limits: { etagMode: "sha256", maxObjectSize: 1 << 20 } });
const gc = (body?: unknown) =>
  app.fetch(new Request("http://x/_strata/gc", { method: "POST", body: body === undefined ? undefined : JSON.stringify(body), headers: { "content-type": "application/json" } }));

test("gc takes its minimum pack age and upload age from the body, else the defaults", async () => {
  const plain = await (await gc()).json();
  expect([plain.minAgeMs, plain.uploadMaxAgeMs]).toEqual([600_000, 7 * 86_400_000]);
  const given = await (await gc({ minAgeSeconds: 0, uploadMaxAgeSeconds: 3600 })).json();
  expect([given.minAgeMs, given.uploadMaxAgeMs]).toEqual([0, 3_600_000]);
});

test("a bad gc body is a 400 naming the field", async () => {
  for (const [body, field] of [[{ minAgeSeconds: -1 }, "minAgeSeconds"], [{ uploadMaxAgeSeconds: "7d" }, "uploadMaxAgeSeconds"], [[1], "JSON object"]] as const) {
    const res = await gc(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(field);
  }
});
