// Admin routes for branches: list, create (empty, or from a commit, a tag or another branch), make public,
// protect, delete; merge a ref into a branch, revert one of its commits.
import { type Context, Hono } from "hono";
import { MERGE_STRATEGIES, type RepoService } from "../../repo/service.ts";
import { branchRef, parseBranchRef, parseRef } from "../../repo/ref-names.ts";
import { mayList } from "../admin-access.ts";
import { branchJson, mergeAnswer } from "../answers.ts";
import { AdminError } from "../errors.ts";
import { commitRefIn } from "../refs.ts";
import { type AdminEnv, commitDetails, jsonBody, optionalBoolean, optionalChoice, optionalString, requireString } from "../requests.ts";

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
    await repo.createBranch(name, branch, from === undefined ? undefined : startingPoint(repo, from, name));
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
  // A protected branch refuses direct writes (S3, the admin API, open commits) and deletion; merges and reverts land.
  app.put("/:ref/protected", async (c) => {
    const body = await jsonBody(c);
    const { repo: name, branch } = parseBranchRef(c.req.param("ref"));
    const on = optionalBoolean(body, "protected");
    if (on === undefined) throw new AdminError("InvalidRequest", "protected must be true or false", 400);
    await repo.setProtected(name, branch, on);
    return c.json({ ref: branchRef(name, branch), protected: repo.requireBranch(name, branch).protected === true });
  });
  // A three-way merge of what `from` names (a branch, a tag, a commit of the same repo) into the branch.
  app.post("/:ref/merge", async (c) => {
    const body = await jsonBody(c);
    const into = parseBranchRef(c.req.param("ref"));
    const from = requireString(body, "from");
    const result = await repo.merge(into, commitRefIn(into.repo, from, "from"), mergeOptions(c, body));
    return c.json(mergeAnswer(result, { into: branchRef(into.repo, into.branch), from }));
  });
  // A new commit undoing exactly what one commit of the branch's history changed.
  app.post("/:ref/revert", async (c) => {
    const body = await jsonBody(c);
    const branch = parseBranchRef(c.req.param("ref"));
    const commit = requireString(body, "commit");
    const result = await repo.revert(branch, commit, mergeOptions(c, body));
    return c.json(mergeAnswer(result, { into: branchRef(branch.repo, branch.branch), reverted: commit }));
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

/** `--from` of branch create: a commit id, a branch or tag of the same repo, or a ref (commit.repo, branch.repo). */
function startingPoint(repo: RepoService, from: string, name: string): { commit?: string; branch?: string } {
  const ref = commitRefIn(name, from, "--from");
  if (ref.commit) return { commit: ref.commit };
  const tag = repo.tag(name, ref.branch!);
  return tag ? { commit: tag.commit } : { branch: ref.branch };
}

function mergeOptions(c: Context<AdminEnv>, body: Record<string, unknown>) {
  return { ...commitDetails(c, body), strategy: optionalChoice(body, "strategy", MERGE_STRATEGIES), dryRun: optionalBoolean(body, "dryRun") };
}
