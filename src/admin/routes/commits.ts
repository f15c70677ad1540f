// Admin routes for commits: start, finish and drop a branch's open commit; history from a ref; one commit.
import { Hono } from "hono";
import type { RepoService } from "../../repo/service.ts";
import { commitRef, parseBranchRef, parseRef } from "../../repo/ref-names.ts";
import { commitJson, iso } from "../answers.ts";
import { AdminError } from "../errors.ts";
import { resolveCommit } from "../refs.ts";
import { type AdminEnv, commitDetails, jsonBody, numberQuery, optionalString, requireQuery, requireString } from "../requests.ts";

export function createCommitRoutes(repo: RepoService): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.post("/start", async (c) => {
    const body = await jsonBody(c);
    const { repo: name, branch } = parseBranchRef(requireString(body, "ref"));
    const { message, ...details } = commitDetails(c, body);
    const id = await repo.startCommit(name, branch, message, details);
    return c.json({ id, repo: name, branch, ref: commitRef(name, branch, id) }, 201);
  });
  app.post("/finish", async (c) => {
    const body = await jsonBody(c);
    const { repo: name, branch } = parseBranchRef(requireString(body, "ref"));
    return c.json(commitJson(await repo.finishCommit(name, branch, optionalString(body, "message"))));
  });
  app.post("/drop", async (c) => {
    const body = await jsonBody(c);
    const { repo: name, branch } = parseBranchRef(requireString(body, "ref"));
    const open = repo.requireBranch(name, branch).open;
    await repo.dropCommit(name, branch);
    return c.json({ dropped: open?.id });
  });
  // History from a ref (a branch's head, a tag or a commit), newest first, through both parents of merges; a
  // branch's open commit comes first.
  app.get("/", (c) => {
    const all = c.req.query("repo");
    if (all) {
      const { commits, truncated } = repo.repoCommits(all, numberQuery(c, "limit", 1000));
      return c.json({ commits: commits.map(commitJson), truncated });
    }
    const text = requireQuery(c, "ref");
    const ref = parseRef(text);
    const limit = numberQuery(c, "limit", 1000);
    const open = ref.branch && !ref.commit ? repo.branch(ref.repo, ref.branch)?.open : undefined;
    const commits: unknown[] = open ? [{ id: open.id, repo: ref.repo, branch: ref.branch, parent: open.parent, started: iso(open.started), message: open.message, open: true }] : [];
    const from = resolveCommit(repo, ref, text);
    let truncated = false;
    for (const commit of from ? repo.history(ref.repo, from.id) : []) {
      if (commits.length === limit) {
        truncated = true;
        break;
      }
      commits.push(commitJson(commit));
    }
    return c.json({ commits, truncated });
  });
  app.get("/:ref", (c) => {
    const text = c.req.param("ref");
    const commit = resolveCommit(repo, parseRef(text), text);
    if (!commit) throw new AdminError("NoSuchCommit", `${text} has no commits yet`, 404);
    return c.json({ ...commitJson(commit), objects: repo.countObjects(repo.snapshot({ repo: commit.repo, commit: commit.id })) });
  });
  return app;
}
