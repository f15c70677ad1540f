// Admin routes for what a ref holds: one page of its objects (GET /objects) and the changes between two refs
// (GET /diff). Both are read-only and bounded by a limit.
import { Hono } from "hono";
import type { RepoService } from "../../repo/service.ts";
import { versionJson } from "../answers.ts";
import { snapshotOf } from "../refs.ts";
import { type AdminEnv, numberQuery, requireQuery } from "../requests.ts";

export function createContentRoutes(repo: RepoService): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.get("/objects", (c) => {
    const page = repo.list(snapshotOf(repo, requireQuery(c, "ref")), {
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
  app.get("/diff", (c) => {
    const fromText = requireQuery(c, "from");
    const toText = requireQuery(c, "to");
    const prefix = c.req.query("prefix") ?? "";
    const limit = numberQuery(c, "limit", 100000);
    const changes: unknown[] = [];
    let truncated = false;
    for (const d of repo.diffContents(snapshotOf(repo, fromText), snapshotOf(repo, toText))) {
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
  return app;
}
