// Admin routes for maintenance: POST /fsck checks every reachable blob, POST /gc reclaims unreachable ones;
// each answers its report.
import { Hono } from "hono";
import type { RepoService } from "../../repo/service.ts";
import type { AdminEnv } from "../requests.ts";

export function createMaintenanceRoutes(repo: RepoService): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.post("/fsck", async (c) => c.json(await repo.fsck()));
  app.post("/gc", async (c) => c.json(await repo.gc()));
  return app;
}
