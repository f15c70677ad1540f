// How the CLI shows a merge's conflicts (the admin API's MergeConflict answer), for every verb that merges
// (merge, revert, run): a table with one row per key and its version in the merge base and on each side, so a
// user can tell which side to take without another call.
import { CliError } from "./exit.ts";
import { humanSize, table } from "./output.ts";

/** A key's version on one side of a merge, as the admin API answers it (absent: the key is not there). */
interface SideJson {
  version: string;
  deleteMarker?: boolean;
  size?: number;
  etag?: string;
}

export interface ConflictJson {
  key: string;
  base?: SideJson;
  source?: SideJson;
  dest?: SideJson;
}

/** The conflicts of a MergeConflict error answer, or undefined when the error is another one. */
export function conflictsOf(err: unknown): ConflictJson[] | undefined {
  if (!(err instanceof CliError) || err.code !== "MergeConflict") return undefined;
  const conflicts = err.details?.conflicts;
  return Array.isArray(conflicts) ? (conflicts as ConflictJson[]) : [];
}

/** A side in a table cell: its size and version, a delete marker, or absent. */
function side(v: SideJson | undefined): string {
  if (!v) return "(absent)";
  return v.deleteMarker ? `deleted, version ${v.version}` : `${humanSize(v.size)}, version ${v.version}`;
}

/**
 * What a verb says about a merge's conflicts: its message, a blank line, and the table (a header naming the source
 * and the destination as given, then one row per key).
 */
export function conflictReport(message: string, conflicts: readonly ConflictJson[], names: { source: string; dest: string }): string {
  const rows = table(["KEY", "BASE", `SOURCE (${names.source})`, `DEST (${names.dest})`], conflicts.map((k) => [k.key, side(k.base), side(k.source), side(k.dest)]));
  return [message, "", ...rows].join("\n");
}
