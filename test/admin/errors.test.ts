// Admin API error bodies: model errors keep their code and message; an internal failure tells the client nothing
// of its cause (the server log has it).
import { afterAll, expect, test } from "bun:test";
import { createAdminApp } from "../../src/admin/api.ts";
import { createJobRoutes } from "../../src/jobs/routes.ts";
import type { JobHost } from "../../src/jobs/spec.ts";
import { DiskFullError, UnavailableError } from "../../src/util/unavailable.ts";
import { openService } from "../helpers/repo.ts";

const repo = openService();
afterAll(() => repo.close());

const failingJobs: JobHost = {
  start: () => Promise.reject(new Error("unused")),
  // a store that is away, by job id: PostgreSQL down, or writes giving up under contention
  finish: (id) =>
    Promise.reject(
      id === "busy"
        ? new UnavailableError("gave up after 8 conflicting attempts on db-7.internal", "SlowDown")
        : new UnavailableError("PostgreSQL unavailable (commit): connect ECONNREFUSED db-7.internal:5432"),
    ),
  drop: () => Promise.reject(new DiskFullError("/var/secret/strata-data has 10 MiB free, under the 64 MiB reserve")),
  list: () => {
    throw new Error("ENOENT: /var/secret/strata-data/packs/000001.pack");
  },
};
const app = createAdminApp({ repo, jobs: createJobRoutes(failingJobs, repo), limits: { etagMode: "sha256", maxObjectSize: 1 << 20 } });

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

test("a 503 tells the client to retry, never the cause (host names, driver errors, paths)", async () => {
  const logged = console.error;
  console.error = () => {};
  try {
    const cases: Array<[Request, string, RegExp]> = [
      [new Request("http://x/_strata/jobs/pg/finish", { method: "POST" }), "ServiceUnavailable", /storage is unavailable.*try again/],
      [new Request("http://x/_strata/jobs/busy/finish", { method: "POST" }), "SlowDown", /busy.*try again/],
      // a full disk's own client message says so (the one S3 clients get too)
      [new Request("http://x/_strata/jobs/j", { method: "DELETE" }), "ServiceUnavailable", /out of disk space/],
    ];
    for (const [req, code, message] of cases) {
      const res = await app.fetch(req);
      expect(res.status).toBe(503);
      const body = await res.text();
      expect(JSON.parse(body).error.code).toBe(code);
      expect(JSON.parse(body).error.message).toMatch(message);
      for (const secret of ["db-7", "ECONNREFUSED", "5432", "/var/secret", "MiB"]) expect(body).not.toContain(secret);
    }
  } finally {
    console.error = logged;
  }
});
