// Commits and their ancestry. Each commit keeps a skip pointer (as in Bitcoin's block index), so
// "is X an ancestor of Y" and "ancestor of Y at generation g" take O(log n) commit reads, however long the history.
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
  private readonly records = new DecodedCache<CommitRecord>(4 * 1024 * 1024);
  /**
   * Commits by id, for following parent and skip pointers only: those name commits of the same repo that can
   * never change, so no index lookup is needed (a lookup by a user-given id must still go through the index).
   */
  private readonly byId = new DecodedCache<CommitRecord | undefined>(2 * 1024 * 1024);

  constructor(
    private readonly blobs: BlobBackend,
    private readonly index: Tree<string>,
  ) {}

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
      walk = next === null ? undefined : this.byId.get(next, () => ({ value: this.find(indexRoot, next), bytes: COMMIT_BYTES }));
    }
    return walk;
  }

  isAncestor(indexRoot: string | null, ancestor: CommitRecord, of: CommitRecord): boolean {
    if (ancestor.gen > of.gen) return false;
    return this.ancestorAt(indexRoot, of, ancestor.gen)?.id === ancestor.id;
  }

  /**
   * The newest commit both histories contain, or undefined when they share none. "The ancestors of a and of b at
   * generation g are one commit" holds up to that commit's generation and never above, so a binary search over
   * generations finds it in O(log² n) commit reads.
   */
  lastCommonAncestor(indexRoot: string | null, a: CommitRecord, b: CommitRecord): CommitRecord | undefined {
    const same = (gen: number) => this.ancestorAt(indexRoot, a, gen)?.id === this.ancestorAt(indexRoot, b, gen)?.id;
    if (!same(0)) return undefined;
    let lo = 0;
    let hi = Math.min(a.gen, b.gen);
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (same(mid)) lo = mid;
      else hi = mid - 1;
    }
    return this.ancestorAt(indexRoot, a, lo);
  }

  /** The skip pointer a new child of `parent` gets. */
  skipFor(indexRoot: string | null, parent: CommitRecord | undefined): string | null {
    if (!parent) return null;
    return this.ancestorAt(indexRoot, parent, skipGeneration(parent.gen + 1))?.id ?? null;
  }
}
