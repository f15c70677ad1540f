// Admin routes for maintenance: POST /fsck checks every reachable blob, POST /gc reclaims unreachable ones
// (optional body {minAgeSeconds, uploadMaxAgeSeconds}: the minimum pack age, the age of a stalled upload);
// each answers its report.
import { Hono } from "hono";
import type { RepoService } from "../../repo/service.ts";
import { type AdminEnv, optionalJsonBody, optionalSeconds } from "../requests.ts";

export function createMaintenanceRoutes(repo: RepoService): Hono<AdminEnv> {
  const app = new Hono<AdminEnv>();
  app.post("/fsck", async (c) => c.json(await repo.fsck()));
  app.post("/gc", async (c) => {
    const body = await optionalJsonBody(c);
    const seconds = (field: string) => {
      const v = optionalSeconds(body, field);
      return v === undefined ? undefined : v * 1000;
    };
    return c.json(await repo.gc({ minAgeMs: seconds("minAgeSeconds"), uploadMaxAgeMs: seconds("uploadMaxAgeSeconds") }));
  });
  return app;
}

