// The admin JSON API under /_strata/ (a bucket name can't start with `_`): repos, branches, commits, listing,
// history, diff, maintenance and sidecar jobs. The `strata` CLI is its client; errors are {error: {code, message}}.
import { Hono, type Context } from "hono";
import { matchedRoutes } from "hono/route";
import type { CommitInfo, RepoService, Snapshot, VersionSummary } from "../repo/service.ts";
import { authorizeAdminCall, type Caller, mayList } from "./admin-access.ts";
import { AdminError, errorResponse } from "./errors.ts";
import { createObjectRoutes, type ObjectRoutesOptions } from "./object-routes.ts";
import { branchRef, commitRef, DEFAULT_BRANCH, parseBranchRef, parseRef, type Ref } from "../repo/ref-names.ts";

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
  finish(id: string): Promise<CommitInfo>;
  drop(id: string): Promise<void>;
  list(): JobInfo[];
}

/** Names a job input may take: S3 bucket names without dots (no clash with refs), `out` excepted. */
const INPUT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface AdminDeps {
  repo: RepoService;
  jobs: JobHost;
  /** what an object written through the admin API (the console's uploads) gets: the server's S3 settings */
  limits: ObjectRoutesOptions;
  /** Who is calling (the auth layer's signature or Bearer token check); throws to refuse. Unset: anyone, as S3 without --auth. */
  identify?: (raw: Request) => Promise<Caller>;
  /** users, tokens and roles under /_strata/auth */
  auth?: Hono;
  /** each /_strata/ request's outcome, for the request log and metrics (operation: the route, never its values) */
  observe?: (event: AdminRequestEvent) => void;
}

export interface AdminRequestEvent {
  operation: string;
  method: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
  ms: number;
}

const OPEN: Caller = { authOn: false };

export function createAdminApp(deps: AdminDeps): Hono {
  const app = new Hono<{ Variables: { caller: Caller } }>();
  const vs = deps.repo;

  if (deps.observe) {
    const observe = deps.observe;
    app.use("/_strata/*", async (c, next) => {
      const started = performance.now();
      await next();
      // The route's pattern, not its path: a path may hold a token (DELETE /auth/tokens/<token>).
      const route = matchedRoutes(c).filter((r) => r.method !== "ALL").at(-1)?.path ?? "/_strata/*";
      // Admin answers are small JSON documents: counting their bytes costs a copy, not a stream.
      const bytesOut = c.res.body ? (await c.res.clone().arrayBuffer()).byteLength : 0;
      observe({
        operation: `Admin ${route.replace(/^\/_strata\//, "")}`,
        method: c.req.method,
        status: c.res.status,
        bytesIn: Number(c.req.header("content-length") ?? 0) || 0,
        bytesOut,
        ms: performance.now() - started,
      });
    });
  }


  app.use("/_strata/*", async (c, next) => {
    const caller = (await deps.identify?.(c.req.raw)) ?? OPEN;
    await authorizeAdminCall(caller, { method: c.req.method, path: c.req.path, query: (name) => c.req.query(name), body: () => jsonBody(c) });
    c.set("caller", caller);
    await next();
  });
  if (deps.auth) app.route("/_strata/auth", deps.auth);
  app.route("/_strata", createObjectRoutes(vs, deps.limits));

  // ---- repos ----
  app.get("/_strata/repos", (c) => {
    const branches = vs.listBranches();
    const repos = vs.listRepos().filter((r) => mayList(c.get("caller"), r.name)).map((r) => ({
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
    // As `aws s3 mb s3://name` does: a repo is its master branch's bucket, so a new one has that branch.
    await vs.createBranch(name, DEFAULT_BRANCH);
    return c.json({ name, branches: [DEFAULT_BRANCH] }, 201);
  });
  app.delete("/_strata/repos/:name", async (c) => {
    await vs.deleteRepo(c.req.param("name"), c.req.query("force") === "true");
    return c.json({ deleted: c.req.param("name") });
  });

  // ---- branches ----
  app.get("/_strata/branches", (c) => {
    const repo = c.req.query("repo");
    if (repo) vs.requireRepo(repo);
    const visible = vs.listBranches(repo || undefined).filter((b) => mayList(c.get("caller"), b.repo));
    return c.json({ branches: visible.map(branchJson) });
  });
  app.post("/_strata/branches", async (c) => {
    const body = await jsonBody(c);
    const { repo, branch } = parseBranchRef(requireString(body, "ref"));
    const from = optionalString(body, "from");
    await vs.createBranch(repo, branch, from === undefined ? undefined : startingPoint(from, repo));
    return c.json(branchJson(vs.requireBranch(repo, branch)), 201);
  });
  // A public branch may be read and listed through S3 without credentials (canned ACL public-read), its commits too.
  app.put("/_strata/branches/:ref/public", async (c) => {
    const body = await jsonBody(c);
    const { repo, branch } = parseBranchRef(c.req.param("ref"));
    if (typeof body.public !== "boolean") throw new AdminError("InvalidArgument", "public must be true or false", 400);
    await deps.repo.setPublic(repo, branch, body.public);
    return c.json({ ref: branchRef(repo, branch), public: deps.repo.isPublic(repo, branch) });
  });
  app.delete("/_strata/branches/:ref", async (c) => {
    const { repo, branch } = parseBranchRef(c.req.param("ref"));
    const head = vs.requireBranch(repo, branch).head;
    // Its commits stay in the repo (commits?repo=, branch create --from <head>), but the name that found them goes.
    if (head && c.req.query("force") !== "true") {
      throw new AdminError("BranchHasCommits", `branch ${branch}.${repo} has commits (head ${head}); delete it with force`, 409);
    }
    await vs.deleteBranch(repo, branch, { keepEmptyRepo: true });
    return c.json({ deleted: branchRef(repo, branch), head });
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
    const open = vs.requireBranch(repo, branch).open;
    await vs.dropCommit(repo, branch);
    return c.json({ dropped: open?.id });
  });
  // History from a ref (a branch's head or a commit), newest first; a branch's open commit comes first.
  app.get("/_strata/commits", (c) => {
    const all = c.req.query("repo");
    if (all) {
      const { commits, truncated } = vs.repoCommits(all, numberQuery(c, "limit", 1000));
      return c.json({ commits: commits.map(commitJson), truncated });
    }
    const text = requireQuery(c, "ref");
    const ref = parseRef(text);
    const limit = numberQuery(c, "limit", 1000);
    const open = ref.branch && !ref.commit ? vs.requireBranch(ref.repo, ref.branch).open : undefined;
    const commits: unknown[] = open ? [{ id: open.id, repo: ref.repo, branch: ref.branch, parent: open.parent, started: iso(open.started), message: open.message, open: true }] : [];
    let commit = resolveCommit(ref, text);
    while (commit && commits.length < limit) {
      commits.push(commitJson(commit));
      commit = commit.parent ? vs.findCommit(ref.repo, commit.parent) : undefined;
    }
    return c.json({ commits, truncated: commit !== undefined });
  });
  app.get("/_strata/commits/:ref", (c) => {
    const text = c.req.param("ref");
    const commit = resolveCommit(parseRef(text), text);
    if (!commit) throw new AdminError("NoSuchCommit", `${text} has no commits yet`, 404);
    return c.json({ ...commitJson(commit), objects: vs.countObjects(vs.snapshot({ repo: commit.repo, commit: commit.id })) });
  });

  // ---- contents ----
  app.get("/_strata/objects", (c) => {
    const text = requireQuery(c, "ref");
    const page = vs.list(snapshotOf(parseRef(text), text), {
      prefix: c.req.query("prefix") ?? "",
      delimiter: c.req.query("delimiter") || undefined,
      after: c.req.query("after") || undefined,
      limit: Math.min(numberQuery(c, "limit", 1000), 10000),
    });
    return c.json({
      objects: page.objects.map((o) => ({ key: o.key, ...versionJson(o) })),
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
    for (const d of vs.diffContents(snapshotOf(parseRef(fromText), fromText), snapshotOf(parseRef(toText), toText))) {
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
    vs.requireBranch(output.repo, output.branch);
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
  app.onError(errorResponse);

  /** The commit a ref names: the commit itself, or a branch's head (undefined while the branch has none). */
  function resolveCommit(ref: Ref, text: string): CommitInfo | undefined {
    if (ref.commit) {
      const commit = vs.findCommit(ref.repo, ref.commit);
      if (!commit || (ref.branch && !vs.inHistory(ref.repo, ref.branch, ref.commit))) {
        throw new AdminError("NoSuchCommit", `${text}: commit ${ref.commit} is not in ${ref.branch ? `the history of ${ref.branch}.${ref.repo}` : `repo ${ref.repo}`}`, 404);
      }
      return commit;
    }
    vs.requireBranch(ref.repo, ref.branch!);
    return vs.headCommit(ref.repo, ref.branch!);
  }

  /** What a ref shows: its commit's tree (nothing while its branch has no commits). */
  function snapshotOf(ref: Ref, text: string): Snapshot {
    const commit = resolveCommit(ref, text);
    return commit ? vs.snapshot({ repo: ref.repo, commit: commit.id }) : vs.snapshot({ repo: ref.repo, branch: ref.branch });
  }

  /** `--from` of branch create: a commit id, a branch of the same repo, or a ref (commit.repo, branch.repo). */
  function startingPoint(from: string, repo: string): { commit?: string; branch?: string } {
    const ref = parseRef(from.includes(".") ? from : `${from}.${repo}`);
    if (ref.repo !== repo) throw new AdminError("InvalidRequest", `--from ${from} is in repo ${ref.repo}, not ${repo}`, 400);
    return ref.commit ? { commit: ref.commit } : { branch: ref.branch };
  }

  // The caller variable is set and read only inside this app.
  return app as unknown as Hono;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function branchJson(b: { repo: string; branch: string; created: number; head: string | null; open?: string | { id: string } }) {
  const open = typeof b.open === "object" ? b.open.id : b.open;
  return { ref: branchRef(b.repo, b.branch), repo: b.repo, branch: b.branch, created: iso(b.created), head: b.head, open };
}

function commitJson(c: CommitInfo) {
  return { id: c.id, repo: c.repo, branch: c.branch, parent: c.parent, started: iso(c.started), finished: iso(c.time), message: c.message, author: c.author, purged: c.purged };
}

function versionJson(v: VersionSummary) {
  return v.deleteMarker ? { commit: v.commit, modified: iso(v.time) } : { size: v.size, etag: v.etag, commit: v.commit, modified: iso(v.time) };
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
