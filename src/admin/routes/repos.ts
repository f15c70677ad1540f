// Admin routes for repos: list (only those the caller may see, each with its logical size and newest commit),
// create (with its master branch), delete.
import { Hono } from "hono";
import type { RepoService } from "../../repo/service.ts";
import { DEFAULT_BRANCH } from "../../repo/ref-names.ts";
import { mayList } from "../admin-access.ts";
import { commitJson, iso } from "../answers.ts";
import { type AdminEnv, jsonBody, optionalString, requireString } from "../requests.ts";

export function createRepoRoutes(repo: RepoService): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get("/", (c) => {
    const branches = repo.listBranches();
    const repos = repo.listRepos().filter((r) => mayList(c.get("caller"), r.name)).map((r) => ({
      name: r.name,
      created: iso(r.created),
      description: r.description,
      branches: branches.filter((b) => b.repo === r.name).map((b) => b.branch),
      logicalBytes: repo.logicalBytes(r.name),
      lastCommit: newestHead(repo, r.name),
    }));
    return c.json({ repos });
  });
  app.post("/", async (c) => {
    const body = await jsonBody(c);
    const name = requireString(body, "name");
    await repo.createRepo(name, optionalString(body, "description"));
    // As `aws s3 mb s3://name` does: a repo is its master branch's bucket, so a new one has that branch.
    await repo.createBranch(name, DEFAULT_BRANCH);
    return c.json({ name, branches: [DEFAULT_BRANCH] }, 201);
  });
  app.delete("/:name", async (c) => {
    await repo.deleteRepo(c.req.param("name"), c.req.query("force") === "true");
    return c.json({ deleted: c.req.param("name") });
  });
  return app;
}

/** The newest of a repo's branch heads (what changed last, on whichever branch), or null before any commit. */
function newestHead(repo: RepoService, name: string) {
  const heads = repo.listBranches(name).map((b) => repo.headCommit(name, b.branch)).filter((c) => c !== undefined);
  const newest = heads.reduce<(typeof heads)[number] | undefined>((a, c) => (!a || c.time > a.time ? c : a), undefined);
  return newest ? commitJson(newest) : null;
}
