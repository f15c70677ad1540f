// How the CLI shows a merge's conflicts (the admin API's MergeConflict answer): one line per key with its version
// on each side, so a user can tell which side to take without another call.
import { CliError } from "./exit.ts";

/** A key's version on one side of a merge, as the admin API answers it (absent: the key is not there). */
interface SideJson {
  version: string;
  deleteMarker?: true;
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

function side(v: SideJson | undefined): string {
  if (!v) return "no such key";
  if (v.deleteMarker) return `deleted (delete marker ${v.version})`;
  return `version ${v.version} (${v.size} bytes, ETag ${v.etag})`;
}

/** One line per conflicting key: what the source and the destination (named as given) have, and the base had. */
export function conflictLines(conflicts: readonly ConflictJson[], names: { source: string; dest: string }): string[] {
  return conflicts.map((k) => `  ${JSON.stringify(k.key)}: ${names.source} has ${side(k.source)}; ${names.dest} has ${side(k.dest)}; before both: ${side(k.base)}`);
}
