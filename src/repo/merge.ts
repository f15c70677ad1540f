// Three-way merge of two trees at key level, against the tree of their merge base. Only keys that changed on a
// side since the base are read: both sides are diffed against the base by subtree hash (identical subtrees are
// skipped), and the two sorted diffs are joined key by key. The cost grows with the changes, not the tree.
import { compareUtf8 } from "../util/bytes.ts";
import type { DiffEntry, Tree } from "./tree.ts";

/** What to do with a key both sides changed in different ways: refuse the merge, or take one side. */
export type MergeStrategy = "fail" | "source-wins" | "dest-wins";

export const MERGE_STRATEGIES: readonly MergeStrategy[] = ["fail", "source-wins", "dest-wins"];

/** A key changed on both sides in different ways: its value in the base and on each side (undefined: absent). */
export interface Conflict<V> {
  key: string;
  base?: V;
  source?: V;
  dest?: V;
}

/**
 * A key the merge changes in the destination: to the source's value (undefined: remove the key), `clean` when only
 * the source changed it, else taken by source-wins over the destination's own change (`dest`).
 */
export interface Take<V> {
  key: string;
  source?: V;
  clean: boolean;
  dest?: V;
}

export interface MergePlan<V> {
  takes: Take<V>[];
  /** with strategy fail: every conflicting key (and then nothing may be written); otherwise empty */
  conflicts: Conflict<V>[];
  /** conflicts a strategy resolved */
  resolved: number;
}

/**
 * Merges `source` into `dest` against `base`. `content` says what a value shows (undefined: nothing, as for a
 * delete marker): sides that agree on content agree, whatever their versions. A key the source changed and the
 * destination did not is taken from the source; one only the destination changed stays; one both changed to the
 * same content stays; one both changed differently is a conflict.
 */
export function planMerge<V>(
  tree: Tree<V>,
  roots: { base: string | null; source: string | null; dest: string | null },
  same: (a: V, b: V) => boolean,
  content: (key: string, value: V | undefined) => string | undefined,
  strategy: MergeStrategy,
): MergePlan<V> {
  const plan: MergePlan<V> = { takes: [], conflicts: [], resolved: 0 };
  const bySource = tree.diff(roots.base, roots.source, same);
  const byDest = tree.diff(roots.base, roots.dest, same);
  let s = bySource.next();
  let d = byDest.next();
  while (!s.done) {
    const order = d.done ? -1 : compareUtf8(s.value.key, d.value.key);
    if (order > 0) {
      d = byDest.next(); // only the destination changed it: it stays
      continue;
    }
    const source = s.value;
    if (order < 0) plan.takes.push({ key: source.key, source: source.after, clean: true });
    else decide(plan, source, d.value, content, strategy);
    s = bySource.next();
    if (order === 0) d = byDest.next();
  }
  return plan;
}

function decide<V>(
  plan: MergePlan<V>,
  source: DiffEntry<V>,
  dest: DiffEntry<V>,
  content: (key: string, value: V | undefined) => string | undefined,
  strategy: MergeStrategy,
): void {
  const { key } = source;
  const base = content(key, source.before);
  const ours = content(key, dest.after);
  const theirs = content(key, source.after);
  if (theirs === base || theirs === ours) return; // the source changed no content, or both made the same change
  if (ours === base) {
    plan.takes.push({ key, source: source.after, clean: true });
    return;
  }
  if (strategy === "fail") plan.conflicts.push({ key, base: source.before, source: source.after, dest: dest.after });
  else {
    plan.resolved++;
    if (strategy === "source-wins") plan.takes.push({ key, source: source.after, clean: false, dest: dest.after });
  }
}
