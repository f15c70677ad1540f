// fsck and gc come from the store layer; until it offers them on the RepoService they are absent (API: 501).
import type { RepoService } from "../repo/service.ts";
import type { Maintenance } from "./api.ts";

export function maintenanceOf(repo: RepoService): Maintenance | undefined {
  const candidate = repo as unknown as Partial<Maintenance>;
  if (typeof candidate.fsck !== "function" || typeof candidate.gc !== "function") return undefined;
  return { fsck: () => candidate.fsck!.call(repo), gc: () => candidate.gc!.call(repo) };
}
