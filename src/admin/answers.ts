// The JSON shapes of the admin API's answers for branches, commits, object versions, merges and tags (times in
// ISO 8601), one each, so the CLI reads the same fields whichever route answered.
import type { CommitInfo, MergeResult, TagInfo, VersionSummary } from "../repo/service.ts";
import { branchRef } from "../repo/ref-names.ts";
import { AdminError } from "./errors.ts";

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function branchJson(b: { repo: string; branch: string; created: number; head: string | null; open?: string | { id: string }; protected?: true }) {
  const open = typeof b.open === "object" ? b.open.id : b.open;
  return { ref: branchRef(b.repo, b.branch), repo: b.repo, branch: b.branch, created: iso(b.created), head: b.head, open, ...(b.protected && { protected: true }) };
}

/** `parents`: the first parent (the branch's head it was made on), then for a merge the commit merged in. */
export function commitJson(c: CommitInfo) {
  const parents = [c.parent, c.merged].filter((p): p is string => typeof p === "string");
  return {
    id: c.id, repo: c.repo, branch: c.branch, parent: c.parent, parents, started: iso(c.started), finished: iso(c.time),
    message: c.message, author: c.author, meta: c.meta, purged: c.purged,
  };
}

export function versionJson(v: VersionSummary) {
  return v.deleteMarker ? { commit: v.commit, modified: iso(v.time) } : { size: v.size, etag: v.etag, commit: v.commit, modified: iso(v.time) };
}

/** A side of a merge conflict: the version a key has there (a delete marker says so), absent when the key is not there. */
function sideJson(v: VersionSummary | undefined) {
  return v && (v.deleteMarker ? { version: v.version, deleteMarker: true, ...versionJson(v) } : { version: v.version, ...versionJson(v) });
}

export function mergeJson(m: MergeResult) {
  return {
    result: m.result, commit: m.commit, base: m.base, changed: m.changed, resolved: m.resolved, dryRun: m.dryRun,
    conflicts: m.conflicts.map((k) => ({ key: k.key, base: sideJson(k.base), source: sideJson(k.source), dest: sideJson(k.dest) })),
  };
}

/**
 * The answer for what a merge or revert (or a job's merge) did, with `names` saying what was merged where.
 * Conflicts are a 409 MergeConflict instead (nothing was written) listing every key with both sides' versions.
 */
export function mergeAnswer(result: MergeResult, names: Record<string, string>) {
  const answer = { ...names, ...mergeJson(result) };
  if (result.result !== "conflict") return answer;
  const n = result.conflicts.length;
  const shown = result.conflicts.slice(0, 3).map((k) => JSON.stringify(k.key)).join(", ");
  throw new AdminError(
    "MergeConflict",
    `${n} key${n === 1 ? "" : "s"} changed differently on both sides (${shown}${n > 3 ? ", ..." : ""}); nothing was written: ` +
      // Named as the flag the CLI takes (strata merge, strata run), the one place a user types it.
      "change them so they agree, or take one side with --strategy source-wins or --strategy dest-wins",
    409,
    answer,
  );
}

export function tagJson(t: TagInfo) {
  return { ref: branchRef(t.repo, t.name), repo: t.repo, name: t.name, commit: t.commit, created: iso(t.created), author: t.author, message: t.message };
}
