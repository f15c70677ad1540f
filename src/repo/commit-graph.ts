// Commits and their ancestry. Each commit keeps a skip pointer along its first-parent chain (as in Bitcoin's block
// index), so "is X a first-parent ancestor of Y" and "ancestor of Y at generation g" take O(log n) commit reads,
// however long the history. A merge commit also names the commit it merged (its second parent); ancestry through
// second parents is a walk that never descends below the height of the commit looked for.
import type { BlobBackend } from "../store/store.ts";
import { DecodedCache, getJsonSized } from "./blob-codec.ts";
import type { CommitRecord } from "./model.ts";
import type { Tree } from "./tree.ts";

/** What a commit found by id weighs in the cache: about its JSON's size. */
const COMMIT_BYTES = 300;

const clearLowestBit = (n: number) => n & (n - 1);

export function skipGeneration(gen: number): number {
  if (gen < 2) return 0;
  return gen & 1 ? clearLowestBit(clearLowestBit(gen - 1)) + 1 : clearLowestBit(gen);
}

export class CommitGraph {
  private readonly records: DecodedCache<CommitRecord>;
  /**
   * Commits by id, for following parent and skip pointers only: those name commits of the same repo that can
   * never change, so no index lookup is needed (a lookup by a user-given id must still go through the index).
   */
  private readonly byId: DecodedCache<CommitRecord | undefined>;

  /** `cacheBytes`: JSON bytes of decoded commits kept by hash and by id (budgets: util/memory-budget.ts). */
  constructor(
    private readonly blobs: BlobBackend,
    private readonly index: Tree<string>,
    cacheBytes: { records: number; byId: number },
  ) {
    this.records = new DecodedCache<CommitRecord>(cacheBytes.records);
    this.byId = new DecodedCache<CommitRecord | undefined>(cacheBytes.byId);
  }

  /** Forgets the decoded commits (memory pressure). */
  dropCache(): void {
    this.records.clear();
    this.byId.clear();
  }

  /** The commit with this id in a repo's commit index, or undefined. */
  find(indexRoot: string | null, id: string): CommitRecord | undefined {
    const hash = this.index.get(indexRoot, id);
    return hash === undefined ? undefined : this.read(hash);
  }

  /** Caches a commit just written, so that the next write on its branch does not read it back from the store. */
  remember(hash: string, record: CommitRecord, bytes: number): void {
    this.records.remember(hash, { value: record, bytes });
  }

  read(hash: string): CommitRecord {
    return this.records.get(hash, () => getJsonSized<CommitRecord>(this.blobs, hash));
  }

  /** The ancestor of `from` at generation `gen` (from itself when gen equals its own; undefined past it). */
  ancestorAt(indexRoot: string | null, from: CommitRecord, gen: number): CommitRecord | undefined {
    if (gen > from.gen || gen < 0) return undefined;
    let walk: CommitRecord | undefined = from;
    while (walk && walk.gen > gen) {
      const skipGen = skipGeneration(walk.gen);
      const skipPrevGen = skipGeneration(walk.gen - 1);
      const useSkip: boolean =
        walk.skip !== null && (skipGen === gen || (skipGen > gen && !(skipPrevGen < skipGen - 2 && skipPrevGen >= gen)));
      const next: string | null = useSkip ? walk.skip : walk.parent;
      walk = next === null ? undefined : this.byIdOf(indexRoot, next);
    }
    return walk;
  }

  /**
   * Whether `ancestor` is `of` or one of its ancestors, through first and second parents. The first-parent chain is
   * checked by skip pointers; off it, ancestors are reached only through the second parents of merge commits on
   * it, which `lastMerge` links find without walking the chain, and never below the ancestor's height.
   */
  isAncestor(indexRoot: string | null, ancestor: CommitRecord, of: CommitRecord): boolean {
    const floor = heightOf(ancestor);
    const seen = new Set<string>();
    const todo = [of];
    for (let c = todo.pop(); c; c = todo.pop()) {
      if (this.isFirstParentAncestor(indexRoot, ancestor, c)) return true;
      for (let m = this.lastMergeOf(indexRoot, c); m && heightOf(m) > floor; m = this.lastMergeBelow(indexRoot, m)) {
        const merged = this.byIdOf(indexRoot, m.merged!);
        if (merged && !seen.has(merged.id) && heightOf(merged) >= floor) {
          seen.add(merged.id);
          todo.push(merged);
        }
      }
    }
    return false;
  }

  /** The newest merge commit on c's first-parent chain, c included. */
  private lastMergeOf(indexRoot: string | null, c: CommitRecord): CommitRecord | undefined {
    if (c.merged) return c;
    return c.lastMerge ? this.byIdOf(indexRoot, c.lastMerge) : undefined;
  }

  /** The next merge commit down the first-parent chain from merge commit m. */
  private lastMergeBelow(indexRoot: string | null, m: CommitRecord): CommitRecord | undefined {
    const parent = m.parent === null ? undefined : this.byIdOf(indexRoot, m.parent);
    return parent && this.lastMergeOf(indexRoot, parent);
  }

  /** The `lastMerge` a new child of this first parent records. */
  static lastMergeFor(parent: CommitRecord | undefined): string | undefined {
    return parent?.merged ? parent.id : parent?.lastMerge;
  }

  private byIdOf(indexRoot: string | null, id: string): CommitRecord | undefined {
    return this.byId.get(id, () => ({ value: this.find(indexRoot, id), bytes: COMMIT_BYTES }));
  }

  /** A commit's parents: the first (the branch it was made on), then the commit it merged, if any. */
  parents(indexRoot: string | null, c: CommitRecord): CommitRecord[] {
    const ids = c.merged ? [c.parent, c.merged] : [c.parent];
    return ids.filter((id): id is string => id !== null).map((id) => this.byIdOf(indexRoot, id)!);
  }

  /**
   * The best common ancestor of two commits (the one a three-way merge compares both against), or undefined when
   * they share none. Commits are visited highest first, each side's mark handed to parents: a commit's marks are
   * complete when it is visited (its children are all higher), and the first one with both marks is a common
   * ancestor that no other common ancestor descends from. Without merges, one side usually holds the other on
   * its first-parent chain, answered in O(log n).
   */
  mergeBase(indexRoot: string | null, a: CommitRecord, b: CommitRecord): CommitRecord | undefined {
    if (this.isFirstParentAncestor(indexRoot, a, b)) return a;
    if (this.isFirstParentAncestor(indexRoot, b, a)) return b;
    const A = 1;
    const B = 2;
    const marks = new Map<string, number>([[a.id, A]]);
    marks.set(b.id, (marks.get(b.id) ?? 0) | B);
    const queue = new HeightQueue();
    queue.push(a);
    if (b.id !== a.id) queue.push(b);
    for (let c = queue.pop(); c; c = queue.pop()) {
      const mark = marks.get(c.id)!;
      if (mark === (A | B)) return c;
      for (const p of this.parents(indexRoot, c)) {
        const before = marks.get(p.id);
        if (before === undefined) queue.push(p);
        marks.set(p.id, (before ?? 0) | mark);
      }
    }
    return undefined;
  }

  private isFirstParentAncestor(indexRoot: string | null, ancestor: CommitRecord, of: CommitRecord): boolean {
    return ancestor.gen <= of.gen && this.ancestorAt(indexRoot, of, ancestor.gen)?.id === ancestor.id;
  }

  /** The height a new commit with these parents gets (one above the highest). */
  static heightAbove(parents: CommitRecord[]): number {
    return parents.length === 0 ? 0 : Math.max(...parents.map(heightOf)) + 1;
  }

  /** The skip pointer a new child of `parent` gets. */
  skipFor(indexRoot: string | null, parent: CommitRecord | undefined): string | null {
    if (!parent) return null;
    return this.ancestorAt(indexRoot, parent, skipGeneration(parent.gen + 1))?.id ?? null;
  }
}

/**
 * A commit's height: the length of the longest path from it to a first commit. It equals the first-parent
 * generation unless merges lie below, so it is recorded only where it differs (and older commits have none).
 */
export const heightOf = (c: CommitRecord): number => c.height ?? c.gen;

/** Commits by height, highest first (a binary heap). */
class HeightQueue {
  private readonly heap: CommitRecord[] = [];

  push(c: CommitRecord): void {
    const h = this.heap;
    h.push(c);
    for (let i = h.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (heightOf(h[up]) >= heightOf(h[i])) break;
      [h[up], h[i]] = [h[i], h[up]];
      i = up;
    }
  }

  pop(): CommitRecord | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && heightOf(h[l]) > heightOf(h[best])) best = l;
      if (r < h.length && heightOf(h[r]) > heightOf(h[best])) best = r;
      if (best === i) break;
      [h[best], h[i]] = [h[i], h[best]];
      i = best;
    }
    return top;
  }
}
