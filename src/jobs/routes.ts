// Admin routes for sidecar jobs, mounted by the admin app at /_strata/jobs (admin only, as admin-access.ts says
// of every route it has no rule for): list, start (inputs resolved to commits here), finish (merge into the
// output branch: a conflict is a 409 MergeConflict as for a merge), drop.
import { Hono } from "hono";
import { mergeAnswer } from "../admin/answers.ts";
import { AdminError } from "../admin/errors.ts";
import { resolveCommit } from "../admin/refs.ts";
import { type AdminEnv, commitDetails, jsonBody, optionalChoice, requireString } from "../admin/requests.ts";
import { branchRef, parseBranchRef, parseRef } from "../repo/ref-names.ts";
import { MERGE_STRATEGIES, type RepoService } from "../repo/service.ts";
import { INPUT_NAME, type JobHost, type JobInput, OUTPUT_BUCKET } from "./spec.ts";

export function createJobRoutes(jobs: JobHost, repo: RepoService): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get("/", (c) => c.json({ jobs: jobs.list() }));
  app.post("/", async (c) => {
    const body = await jsonBody(c);
    const inputs: Record<string, JobInput> = {};
    const rawInputs = body.inputs;
    if (typeof rawInputs !== "object" || rawInputs === null) throw new AdminError("InvalidRequest", "inputs must be an object of NAME → ref", 400);
    for (const [name, refText] of Object.entries(rawInputs)) {
      if (!INPUT_NAME.test(name) || name === OUTPUT_BUCKET) {
        throw new AdminError("InvalidRequest", `input name ${JSON.stringify(name)} must be 3-63 characters of a-z, 0-9 and '-' (and not "${OUTPUT_BUCKET}")`, 400);
      }
      if (typeof refText !== "string") throw new AdminError("InvalidRequest", `input ${name} must be a ref`, 400);
      const ref = parseRef(refText);
      const commit = resolveCommit(repo, ref, refText);
      if (!commit) throw new AdminError("NoSuchCommit", `input ${name}: ${refText} has no commits to read`, 404);
      inputs[name] = { ref: refText, repo: ref.repo, branch: ref.branch ?? commit.branch, commit: commit.id };
    }
    const outputText = requireString(body, "output");
    const output = { ref: outputText, ...parseBranchRef(outputText) };
    repo.requireBranch(output.repo, output.branch);
    const strategy = optionalChoice(body, "strategy", MERGE_STRATEGIES) ?? "fail";
    return c.json(await jobs.start({ inputs, output, strategy, ...commitDetails(c, body) }), 201);
  });
  app.post("/:id/finish", async (c) => {
    const id = c.req.param("id");
    const { job, staged, merge } = await jobs.finish(id);
    return c.json(mergeAnswer(merge, { job: id, into: branchRef(job.output.repo, job.output.branch), staged: staged.id }));
  });
  app.delete("/:id", async (c) => {
    await jobs.drop(c.req.param("id"));
    return c.json({ dropped: c.req.param("id") });
  });
  return app;
}
