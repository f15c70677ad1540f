// The admin JSON API under /_strata/ (a bucket name can't start with `_`): one Hono app that identifies and
// authorizes the caller (admin-access.ts), observes each request, and mounts one route module per area
// (routes/: repos, branches, commits, tags, contents, maintenance, auth; sidecar jobs come from jobs/). The `strata`
// CLI is its client; errors are {error: {code, message}} (errors.ts).
import { Hono } from "hono";
import { matchedRoutes } from "hono/route";
import type { RepoService } from "../repo/service.ts";
import { authorizeAdminCall, type Caller } from "./admin-access.ts";
import { crossSiteWrite } from "./cross-site.ts";
import { AdminError, errorResponse } from "./errors.ts";
import { type AdminEnv, jsonBody } from "./requests.ts";
import { createBranchRoutes } from "./routes/branches.ts";
import { createCommitRoutes } from "./routes/commits.ts";
import { createContentRoutes } from "./routes/contents.ts";
import { createMaintenanceRoutes } from "./routes/maintenance.ts";
import { createObjectRoutes, type ObjectRoutesOptions } from "./routes/objects.ts";
import { createRepoRoutes } from "./routes/repos.ts";
import { createTagRoutes } from "./routes/tags.ts";

export interface AdminDeps {
  repo: RepoService;
  /** what an object written through the admin API (the console's uploads) gets: the server's S3 settings */
  limits: ObjectRoutesOptions;
  /** Who is calling (the auth layer's signature or Bearer token check); throws to refuse. Unset: anyone, as S3 without --auth. */
  identify?: (raw: Request) => Promise<Caller>;
  /** users, tokens and roles, mounted at /_strata/auth (routes/auth.ts) */
  auth?: Hono;
  /** sidecar jobs, mounted at /_strata/jobs (jobs/routes.ts: the job host lives in the composition root) */
  jobs?: Hono<AdminEnv>;
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
  const app = new Hono<AdminEnv>();

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
    const crossSite = crossSiteWrite(c.req.method, c.req.raw.headers);
    if (crossSite) throw new AdminError("CrossSiteRequest", `Refused: ${crossSite}; the admin API changes things only for this server's own console and for programs.`, 403);
    const caller = (await deps.identify?.(c.req.raw)) ?? OPEN;
    await authorizeAdminCall(caller, { method: c.req.method, path: c.req.path, query: (name) => c.req.query(name), body: () => jsonBody(c) });
    c.set("caller", caller);
    await next();
  });

  if (deps.auth) app.route("/_strata/auth", deps.auth);
  app.route("/_strata/repos", createRepoRoutes(deps.repo));
  app.route("/_strata/branches", createBranchRoutes(deps.repo));
  app.route("/_strata/commits", createCommitRoutes(deps.repo));
  app.route("/_strata/tags", createTagRoutes(deps.repo));
  app.route("/_strata", createContentRoutes(deps.repo));
  app.route("/_strata", createObjectRoutes(deps.repo, deps.limits));
  app.route("/_strata", createMaintenanceRoutes(deps.repo));
  if (deps.jobs) app.route("/_strata/jobs", deps.jobs);

  app.all("/_strata/*", () => {
    throw new AdminError("NotFound", "no such admin endpoint", 404);
  });
  app.onError(errorResponse);

  // The caller variable is set and read only inside this app.
  return app as unknown as Hono;
}
