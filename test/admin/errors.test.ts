// Admin API error bodies: model errors keep their code and message; an internal failure tells the client nothing
// of its cause (the server log has it).
import { afterAll, expect, test } from "bun:test";
import { createAdminApp } from "../../src/admin/api.ts";
import { createJobRoutes } from "../../src/jobs/routes.ts";
import type { JobHost } from "../../src/jobs/spec.ts";
import { openService } from "../helpers/repo.ts";

const repo = openService();
afterAll(() => repo.close());

const failingJobs: JobHost = {
  start: () => Promise.reject(new Error("unused")),
  finish: () => Promise.reject(new Error("unused")),
  drop: () => Promise.reject(new Error("unused")),
  list: () => {
    throw new Error("ENOENT: /var/secret/strata-data/packs/000001.pack");
  },
};
const app = createAdminApp({ repo, jobs: createJobRoutes(failingJobs, repo) });

test("a 500 carries no internal message", async () => {
  const logged = console.error;
  console.error = () => {};
  try {
    const res = await app.fetch(new Request("http://x/_strata/jobs"));
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body).error.code).toBe("InternalError");
    expect(body).not.toContain("secret");
    expect(body).not.toContain("ENOENT");
  } finally {
    console.error = logged;
  }
});

test("a model error keeps its code, message and status", async () => {
  const res = await app.fetch(new Request("http://x/_strata/branches?repo=nope"));
  expect(res.status).toBe(404);
  expect((await res.json()).error).toEqual({ code: "NoSuchRepo", message: "repo nope does not exist" });
});
