// The admin JSON API under /_strata/ (a bucket name can't start with `_`): repos, branches, commits, listing,
// history, diff, maintenance and sidecar jobs. The `strata` CLI is its client; errors are {error: {code, message}}.
import { Hono, type Context } from "hono";
import { RepoError } from "../repo/errors.ts";
import { UnavailableError } from "../util/unavailable.ts";
import type { CommitRecord, VersionEntry } from "../repo/model.ts";
import type { RepoService } from "../repo/service.ts";
import { AdminError, statusOf } from "./errors.ts";
import { branchRef, commitRef, parseBranchRef, parseRef, type Ref, RefSyntaxError } from "../repo/ref-names.ts";

export interface JobInput {
  ref: string;
  repo: string;
  branch?: string;
  commit: string;
}

/** The bucket name under which a job writes its output commit (no input may take it). */
export const OUTPUT_BUCKET = "out";

export interface JobSpec {
  inputs: Record<string, JobInput>;
  output: { ref: string; repo: string; branch: string };
  message?: string;
}

export interface JobInfo extends JobSpec {
  id: string;
  /** port of the job's private S3 endpoint, on the server's host */
  port: number;
  /** the open commit on the output branch that the job's writes go into */
  commit: string;
  /** credentials the job's S3 clients use (secret = access key) */
  accessKey: string;
  region: string;
}

/** Serves jobs' private S3 endpoints (lives in the composition root, which may start servers). */
export interface JobHost {
  start(spec: JobSpec): Promise<JobInfo>;
  finish(id: string): Promise<CommitRecord>;
  drop(id: string): Promise<void>;
  list(): JobInfo[];
}

/** Names a job input may take: S3 bucket names without dots (no clash with refs), `out` excepted. */
const INPUT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface AdminDeps {
  repo: RepoService;
  jobs: JobHost;
  metrics: () => string;
  /** Verifies the caller (the auth layer's SigV4 check); throws to refuse. Unset: the API is open like S3 without --auth. */
  authorize?: (raw: Request) => Promise<void> | void;
  /** users, tokens and roles under /_strata/auth (they check admin Bearer tokens themselves) */
  auth?: Hono;
}

export function createAdminApp(deps: AdminDeps): Hono {
  const app = new Hono();
  const vs = deps.repo.versions;

  app.get("/healthz", (c) => c.text("ok\n"));
  app.get("/_strata/healthz", (c) => c.text("ok\n"));
  const metrics = (c: Context) => c.body(deps.metrics(), 200, { "content-type": "text/plain; version=0.0.4" });
  app.get("/metrics", metrics);
  app.get("/_strata/metrics", metrics);

  if (deps.auth) app.route("/_strata/auth", deps.auth);
  app.use("/_strata/*", async (c, next) => {
    await deps.authorize?.(c.req.raw);
    await next();
  });

  // ---- repos ----
  app.get("/_strata/repos", (c) => {
    const branches = vs.listBranches(undefined, "durable");
    const repos = vs.listRepos("durable").map((r) => ({
      name: r.name,
      created: iso(r.created),
      description: r.description,
      branches: branches.filter((b) => b.repo === r.name).map((b) => b.branch),
    }));
    return c.json({ repos });
  });
  app.post("/_strata/repos", async (c) => {
    const body = await jsonBody(c);
    const name = requireString(body, "name");
    await vs.createRepo(name, optionalString(body, "description"));
    return c.json({ name }, 201);
  });
  app.delete("/_strata/repos/:name", async (c) => {
    await vs.deleteRepo(c.req.param("name"), c.req.query("force") === "true");
    return c.json({ deleted: c.req.param("name") });
  });

  // ---- branches ----
  app.get("/_strata/branches", (c) => {
    const repo = c.req.query("repo");
    if (repo) vs.requireRepo(repo, "durable");
    return c.json({ branches: vs.listBranches(repo || undefined, "durable").map(branchJson) });
  });
  app.post("/_strata/branches", async (c) => {
    const body = await jsonBody(c);
    const { repo, branch } = parseBranchRef(requireString(body, "ref"));
    const from = optionalString(body, "from");
    await vs.createBranch(repo, branch, from === undefined ? undefined : startingPoint(from, repo));
    return c.json(branchJson({ repo, branch, ...vs.getBranch(repo, branch, "durable")! }), 201);
  });
  app.delete("/_strata/branches/:ref", async (c) => {
    const { repo, branch } = parseBranchRef(c.req.param("ref"));
    await vs.deleteBranch(repo, branch, { keepEmptyRepo: true });
    return c.json({ deleted: branchRef(repo, branch) });
  });

  // ---- commits ----
  app.post("/_strata/commits/start", async (c) => {
    const body = await jsonBody(c);
    const { repo, branch } = parseBranchRef(requireString(body, "ref"));
    const id = await vs.startCommit(repo, branch, optionalString(body, "message"));
    return c.json({ id, repo, branch, ref: commitRef(repo, branch, id) }, 201);
  });
  app.post("/_strata/commits/finish", async (c) => {
    const body = await jsonBody(c);
    const { repo, branch } = parseBranchRef(requireString(body, "ref"));
    return c.json(commitJson(await vs.finishCommit(repo, branch, optionalString(body, "message"))));
  });
  app.post("/_strata/commits/drop", async (c) => {
    const body = await jsonBody(c);
    const { repo, branch } = parseBranchRef(requireString(body, "ref"));
    const open = vs.requireBranch(repo, branch, "durable").open;
    await vs.dropCommit(repo, branch);
    return c.json({ dropped: open?.id });
  });
  // History from a ref (a branch's head or a commit), newest first; a branch's open commit comes first.
  app.get("/_strata/commits", (c) => {
    const text = requireQuery(c, "ref");
    const ref = parseRef(text);
    const limit = numberQuery(c, "limit", 1000);
    const open = ref.branch && !ref.commit ? vs.requireBranch(ref.repo, ref.branch, "durable").open : undefined;
    const commits: unknown[] = open ? [{ id: open.id, repo: ref.repo, branch: ref.branch, parent: open.parent, started: iso(open.started), message: open.message, open: true }] : [];
    let commit = resolveCommit(ref, text);
    while (commit && commits.length < limit) {
      commits.push(commitJson(commit));
      commit = commit.parent ? vs.findCommit(ref.repo, commit.parent, "durable") : undefined;
    }
    return c.json({ commits, truncated: commit !== undefined });
  });
  app.get("/_strata/commits/:ref", (c) => {
    const text = c.req.param("ref");
    const commit = resolveCommit(parseRef(text), text);
    if (!commit) throw new AdminError("NoSuchCommit", `${text} has no commits yet`, 404);
    return c.json({ ...commitJson(commit), objects: vs.objects.count(commit.root) });
  });

  // ---- contents ----
  app.get("/_strata/objects", (c) => {
    const text = requireQuery(c, "ref");
    const ref = parseRef(text);
    const page = vs.listKeys(vs.snapshot(ref.repo, rootOf(ref, text), "durable"), {
      prefix: c.req.query("prefix") ?? "",
      delimiter: c.req.query("delimiter") || undefined,
      after: c.req.query("after") || undefined,
      limit: Math.min(numberQuery(c, "limit", 1000), 10000),
    });
    return c.json({
      objects: page.entries.map(([key, e]) => ({ key, ...versionJson(e) })),
      prefixes: page.prefixes,
      truncated: page.truncated,
      next: page.truncated ? page.last : undefined,
    });
  });
  app.get("/_strata/diff", (c) => {
    const fromText = requireQuery(c, "from");
    const toText = requireQuery(c, "to");
    const prefix = c.req.query("prefix") ?? "";
    const limit = numberQuery(c, "limit", 100000);
    const changes: unknown[] = [];
    let truncated = false;
    const sameVersion = (x: VersionEntry, y: VersionEntry) => x.m === y.m;
    const from = parseRef(fromText);
    const to = parseRef(toText);
    for (const d of vs.diffRoots(rootOf(from, fromText), rootOf(to, toText), sameVersion, vs.snapshot(to.repo, null, "durable").purged)) {
      if (!d.key.startsWith(prefix)) continue;
      if (changes.length === limit) {
        truncated = true;
        break;
      }
      const change = d.change === "changed" ? "modified" : d.change;
      changes.push({ key: d.key, change, before: d.before && versionJson(d.before), after: d.after && versionJson(d.after) });
    }
    return c.json({ from: fromText, to: toText, changes, truncated });
  });

  // ---- maintenance ----
  for (const task of ["fsck", "gc"] as const) {
    app.post(`/_strata/${task}`, async (c) => {
      return c.json(await (task === "fsck" ? deps.repo.fsck() : deps.repo.gc()));
    });
  }

  // ---- sidecar jobs ----
  app.get("/_strata/jobs", (c) => c.json({ jobs: deps.jobs.list() }));
  app.post("/_strata/jobs", async (c) => {
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
      const commit = resolveCommit(ref, refText);
      if (!commit) throw new AdminError("NoSuchCommit", `input ${name}: ${refText} has no commits to read`, 404);
      inputs[name] = { ref: refText, repo: ref.repo, branch: ref.branch ?? commit.branch, commit: commit.id };
    }
    const outputText = requireString(body, "output");
    const output = { ref: outputText, ...parseBranchRef(outputText) };
    vs.requireBranch(output.repo, output.branch, "durable");
    return c.json(await deps.jobs.start({ inputs, output, message: optionalString(body, "message") }), 201);
  });
  app.post("/_strata/jobs/:id/finish", async (c) => c.json(commitJson(await deps.jobs.finish(c.req.param("id")))));
  app.delete("/_strata/jobs/:id", async (c) => {
    await deps.jobs.drop(c.req.param("id"));
    return c.json({ dropped: c.req.param("id") });
  });

  app.all("/_strata/*", () => {
    throw new AdminError("NotFound", "no such admin endpoint", 404);
  });
  app.onError((err, c) => {
    if (err instanceof AdminError) return c.json({ error: { code: err.code, message: err.message } }, err.status as 400);
    if (err instanceof RepoError) return c.json({ error: { code: err.code, message: err.message } }, statusOf(err.code) as 400);
    if (err instanceof RefSyntaxError) return c.json({ error: { code: "InvalidRef", message: err.message } }, 400);
    if (err instanceof UnavailableError) return c.json({ error: { code: err.code, message: err.message } }, 503);
    console.error("admin internal error:", err);
    // The log has the details; a client gets no internal message (paths, stack frames, store state).
    return c.json({ error: { code: "InternalError", message: "internal error; the server log has the details" } }, 500);
  });

  /** The commit a ref names: the commit itself, or a branch's head (undefined while the branch has none). */
  function resolveCommit(ref: Ref, text: string): CommitRecord | undefined {
    if (ref.commit) {
      const commit = vs.findCommit(ref.repo, ref.commit, "durable");
      if (!commit || (ref.branch && !vs.inHistory(ref.repo, ref.branch, ref.commit))) {
        throw new AdminError("NoSuchCommit", `${text}: commit ${ref.commit} is not in ${ref.branch ? `the history of ${ref.branch}.${ref.repo}` : `repo ${ref.repo}`}`, 404);
      }
      return commit;
    }
    vs.requireBranch(ref.repo, ref.branch!, "durable");
    return vs.headCommit(ref.repo, ref.branch!, "durable");
  }

  function rootOf(ref: Ref, text: string): string | null {
    return resolveCommit(ref, text)?.root ?? null;
  }

  /** `--from` of branch create: a commit id, a branch of the same repo, or a ref (commit.repo, branch.repo). */
  function startingPoint(from: string, repo: string): { commit?: string; branch?: string } {
    const ref = parseRef(from.includes(".") ? from : `${from}.${repo}`);
    if (ref.repo !== repo) throw new AdminError("InvalidRequest", `--from ${from} is in repo ${ref.repo}, not ${repo}`, 400);
    return ref.commit ? { commit: ref.commit } : { branch: ref.branch };
  }

  return app;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function branchJson(b: { repo: string; branch: string; created: number; head: string | null; open?: string | { id: string } }) {
  const open = typeof b.open === "object" ? b.open.id : b.open;
  return { ref: branchRef(b.repo, b.branch), repo: b.repo, branch: b.branch, created: iso(b.created), head: b.head, open };
}

function commitJson(c: CommitRecord) {
  return { id: c.id, repo: c.repo, branch: c.branch, parent: c.parent, started: iso(c.started), finished: iso(c.time), message: c.message, author: c.author, purged: c.purged };
}

function versionJson(e: VersionEntry) {
  return { size: e.s, etag: e.e, commit: e.c, modified: iso(e.t) };
}

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  try {
    const body = await c.req.json();
    if (typeof body === "object" && body !== null && !Array.isArray(body)) return body;
  } catch {
    // fall through
  }
  throw new AdminError("InvalidRequest", "the request body must be a JSON object", 400);
}

function requireString(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (typeof v !== "string" || v === "") throw new AdminError("InvalidRequest", `${field} is required`, 400);
  return v;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new AdminError("InvalidRequest", `${field} must be a string`, 400);
  return v;
}

function requireQuery(c: Context, name: string): string {
  const v = c.req.query(name);
  if (!v) throw new AdminError("InvalidRequest", `query parameter ${name} is required`, 400);
  return v;
}

function numberQuery(c: Context, name: string, fallback: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new AdminError("InvalidRequest", `${name} must be a positive integer`, 400);
  return n;
}
