// The JSON shapes of the admin API's answers for branches, commits and object versions (times in ISO 8601), one
// each, so the CLI reads the same fields whichever route answered.
import type { CommitInfo, VersionSummary } from "../repo/service.ts";
import { branchRef } from "../repo/ref-names.ts";

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function branchJson(b: { repo: string; branch: string; created: number; head: string | null; open?: string | { id: string } }) {
  const open = typeof b.open === "object" ? b.open.id : b.open;
  return { ref: branchRef(b.repo, b.branch), repo: b.repo, branch: b.branch, created: iso(b.created), head: b.head, open };
}

export function commitJson(c: CommitInfo) {
  return { id: c.id, repo: c.repo, branch: c.branch, parent: c.parent, started: iso(c.started), finished: iso(c.time), message: c.message, author: c.author, purged: c.purged };
}

export function versionJson(v: VersionSummary) {
  return v.deleteMarker ? { commit: v.commit, modified: iso(v.time) } : { size: v.size, etag: v.etag, commit: v.commit, modified: iso(v.time) };
}
