// Admin routes for tags: a tag names one commit of its repo for good (tag and branch names share one namespace
// per repo, so `tag.repo` is also a read-only bucket). List, show, create, delete.
import { Hono } from "hono";
import type { RepoService } from "../../repo/service.ts";
import { branchRef, DEFAULT_BRANCH, parseBranchRef } from "../../repo/ref-names.ts";
import { tagJson } from "../answers.ts";
import { AdminError } from "../errors.ts";
import { commitRefIn } from "../refs.ts";
import { type AdminEnv, authorOf, jsonBody, optionalString, requireQuery, requireString } from "../requests.ts";

export function createTagRoutes(repo: RepoService): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get("/", (c) => {
    const name = requireQuery(c, "repo");
    repo.requireRepo(name);
    return c.json({ tags: repo.listTags(name).map(tagJson) });
  });
  app.get("/:ref", (c) => {
    const { repo: name, branch: tag } = parseBranchRef(c.req.param("ref"));
    const found = repo.tag(name, tag);
    if (!found) throw new AdminError("NoSuchTag", `tag ${branchRef(name, tag)} does not exist`, 404);
    return c.json(tagJson(found));
  });
  // `at`: what the tag names (a commit id, a branch's head, another tag, a ref of the repo); default the default branch's head (master).
  app.post("/", async (c) => {
    const body = await jsonBody(c);
    const { repo: name, branch: tag } = parseBranchRef(requireString(body, "ref"));
    const at = commitRefIn(name, optionalString(body, "at") ?? DEFAULT_BRANCH, "at");
    const created = await repo.createTag(name, tag, at, { message: optionalString(body, "message"), author: authorOf(c) });
    return c.json(tagJson(created), 201);
  });
  app.delete("/:ref", async (c) => {
    const { repo: name, branch: tag } = parseBranchRef(c.req.param("ref"));
    const commit = repo.tag(name, tag)?.commit;
    await repo.deleteTag(name, tag);
    return c.json({ deleted: branchRef(name, tag), commit });
  });
  return app;
}
