// Admin routes for branches: list, create (empty, or from a commit or another branch), make public, delete.
import { Hono } from "hono";
import type { RepoService } from "../../repo/service.ts";
import { branchRef, parseBranchRef, parseRef } from "../../repo/ref-names.ts";
import { mayList } from "../admin-access.ts";
import { branchJson } from "../answers.ts";
import { AdminError } from "../errors.ts";
import { type AdminEnv, jsonBody, optionalString, requireString } from "../requests.ts";

export function createBranchRoutes(repo: RepoService): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get("/", (c) => {
    const name = c.req.query("repo");
    if (name) repo.requireRepo(name);
    const visible = repo.listBranches(name || undefined).filter((b) => mayList(c.get("caller"), b.repo));
    return c.json({ branches: visible.map(branchJson) });
  });
  app.post("/", async (c) => {
    const body = await jsonBody(c);
    const { repo: name, branch } = parseBranchRef(requireString(body, "ref"));
    const from = optionalString(body, "from");
    await repo.createBranch(name, branch, from === undefined ? undefined : startingPoint(from, name));
    return c.json(branchJson(repo.requireBranch(name, branch)), 201);
  });
  // A public branch may be read and listed through S3 without credentials (canned ACL public-read), its commits too.
  app.put("/:ref/public", async (c) => {
    const body = await jsonBody(c);
    const { repo: name, branch } = parseBranchRef(c.req.param("ref"));
    if (typeof body.public !== "boolean") throw new AdminError("InvalidArgument", "public must be true or false", 400);
    await repo.setPublic(name, branch, body.public);
    return c.json({ ref: branchRef(name, branch), public: repo.isPublic(name, branch) });
  });
  app.delete("/:ref", async (c) => {
    const { repo: name, branch } = parseBranchRef(c.req.param("ref"));
    const head = repo.requireBranch(name, branch).head;
    // Its commits stay in the repo (commits?repo=, branch create --from <head>), but the name that found them goes.
    if (head && c.req.query("force") !== "true") {
      throw new AdminError("BranchHasCommits", `branch ${branch}.${name} has commits (head ${head}); delete it with force`, 409);
    }
    await repo.deleteBranch(name, branch, { keepEmptyRepo: true });
    return c.json({ deleted: branchRef(name, branch), head });
  });
  return app;
}

/** `--from` of branch create: a commit id, a branch of the same repo, or a ref (commit.repo, branch.repo). */
function startingPoint(from: string, repo: string): { commit?: string; branch?: string } {
  const ref = parseRef(from.includes(".") ? from : `${from}.${repo}`);
  if (ref.repo !== repo) throw new AdminError("InvalidRequest", `--from ${from} is in repo ${ref.repo}, not ${repo}`, 400);
  return ref.commit ? { commit: ref.commit } : { branch: ref.branch };
}
