// A persistent, copy-on-write B+tree of key → value whose nodes are blobs. Writing k keys rewrites only the
// nodes on their paths; two trees that share history share nodes, so a diff skips whatever they share.
// Node payloads: docs/format.md, "Blobs".
//
// A root may also be an overlay: a few recent changes kept in one small blob on top of a B+tree root. Every
// small write is a commit with its own root, and rewriting a leaf and all its parents per write was the main
// cost of a small PUT (~22 KB serialised, hashed and appended per 4 KiB object). An overlay holds at most
// MAX_OVERLAY changes; the write that would pass that folds them into the B+tree in one rewrite. Reads see
// the overlay first, then its base; an overlay's base is always a B+tree root, so a read looks at one
// overlay at most.
import { compareUtf8 } from "../util/bytes.ts";
import type { BlobBackend } from "../store/store.ts";
import { DecodedCache, getJsonSized, putJsonSized } from "./blob-codec.ts";

/**
 * Leaf: level 0, entries [key, value]. Internal: level ≥ 1, children [firstKey, hash, liveCount].
 * Overlay: level -1, base B+tree root and sorted changes [key, value or null for a removal].
 */
export type TreeNode<V> = { v: 0; e: Array<[string, V]> } | { v: number; c: Array<[string, string, number]> } | Overlay<V>;

type Overlay<V> = { v: -1; b: string | null; o: Array<[string, V | null]> };

// Small nodes: a one-key write rewrites a whole leaf and every node above it, so the bytes serialised, hashed
// and appended per PUT grow with node size (96/128 wrote ~47 KB per small PUT, 32/32 ~22 KB) while depth grows
// only with log32: a million keys still take five levels. Readers accept nodes of any size.
const MAX_LEAF = 32;
const MAX_CHILDREN = 32;
// Changes an overlay holds before they are folded into its base. Per write an overlay costs about half of
// this many entries and a fold costs a path of B+tree nodes spread over this many writes; 16 keeps both small.
const MAX_OVERLAY = 16;

export type TreeChange<V> = [key: string, value: V | null];
export type DiffEntry<V> = { key: string; before?: V; after?: V };

type Child = [firstKey: string, hash: string, live: number];

/** The parts of a node a walker follows: child node hashes and the entries it holds (overlay removals left out). */
export function nodeLinks<V>(node: TreeNode<V>): { children: string[]; entries: Array<[string, V]> } {
  if (node.v === -1) {
    const { b, o } = node as Overlay<V>;
    return { children: b ? [b] : [], entries: o.filter((e): e is [string, V] => e[1] !== null) };
  }
  if (node.v === 0) return { children: [], entries: (node as { e: Array<[string, V]> }).e };
  return { children: (node as { c: Child[] }).c.map((c) => c[1]), entries: [] };
}

export class Tree<V> {
  /** Decoded nodes, up to `cacheBytes` of their JSON (budgets: util/memory-budget.ts). */
  private readonly cache: DecodedCache<TreeNode<V>>;

  /** isLive says whether a value counts as present (tombstones do not). */
  constructor(
    private readonly blobs: BlobBackend,
    cacheBytes: number,
    private readonly isLive: (value: V) => boolean = () => true,
  ) {
    this.cache = new DecodedCache<TreeNode<V>>(cacheBytes);
  }

  /** Forgets the decoded nodes (memory pressure). */
  dropCache(): void {
    this.cache.clear();
  }

  node(hash: string): TreeNode<V> {
    return this.cache.get(hash, () => getJsonSized<TreeNode<V>>(this.blobs, hash));
  }

  /** Stores a node, keeping it decoded for the reads that follow (the next write starts from it). */
  private write(node: TreeNode<V>): string {
    const { hash, bytes } = putJsonSized(this.blobs, "tree", node);
    this.cache.remember(hash, { value: node, bytes });
    return hash;
  }

  /** An overlay root's base and changes; a B+tree root is its own base, with no changes on top. */
  private layers(root: string | null): { base: string | null; changes: Array<[string, V | null]> } {
    if (!root) return { base: null, changes: [] };
    const node = this.node(root);
    if (node.v !== -1) return { base: root, changes: [] };
    const overlay = node as Overlay<V>;
    return { base: overlay.b, changes: overlay.o };
  }

  get(root: string | null, key: string): V | undefined {
    const { base, changes } = this.layers(root);
    if (changes.length > 0) {
      const i = lowerBound(changes, key);
      if (i < changes.length && changes[i][0] === key) return changes[i][1] ?? undefined;
    }
    return this.getInBase(base, key);
  }

  private getInBase(root: string | null, key: string): V | undefined {
    let hash = root;
    while (hash) {
      const node = this.node(hash);
      if (node.v === 0) {
        const e = (node as { e: Array<[string, V]> }).e;
        const i = lowerBound(e, key);
        return i < e.length && e[i][0] === key ? e[i][1] : undefined;
      }
      const c = (node as { c: Child[] }).c;
      hash = c[childFor(c, key)][1];
    }
    return undefined;
  }

  /** Number of live entries. */
  count(root: string | null): number {
    const { base, changes } = this.layers(root);
    let n = this.countBase(base);
    const live = (v: V | null | undefined) => (v !== null && v !== undefined && this.isLive(v) ? 1 : 0);
    for (const [key, value] of changes) n += live(value) - live(this.getInBase(base, key));
    return n;
  }

  private countBase(root: string | null): number {
    if (!root) return 0;
    const node = this.node(root);
    if (node.v === 0) return (node as { e: Array<[string, V]> }).e.filter(([, v]) => this.isLive(v)).length;
    return this.sumLive((node as { c: Child[] }).c);
  }

  /**
   * Applies changes (any order; the last change of a key wins) and returns the new root: an overlay while the
   * changes since the last fold are few, else a B+tree root with all of them folded in.
   */
  apply(root: string | null, changes: TreeChange<V>[]): string | null {
    if (changes.length === 0) return root;
    const { base, changes: pending } = this.layers(root);
    const byKey = new Map<string, V | null>(pending);
    for (const [k, v] of changes) byKey.set(k, v);
    // Over an empty base a removal removes nothing.
    const merged = [...byKey].filter(([, v]) => base !== null || v !== null).sort((a, b) => compareUtf8(a[0], b[0]));
    if (merged.length > MAX_OVERLAY) return this.fold(base, merged);
    if (merged.length === 0) return base;
    return this.write({ v: -1, b: base, o: merged } satisfies Overlay<V>);
  }

  /** Writes sorted changes into a B+tree and returns its new root. */
  private fold(root: string | null, sorted: TreeChange<V>[]): string | null {
    let level = root ? this.node(root).v : 0;
    let children = root ? this.rewrite(root, sorted) : this.buildLeaves([], sorted);
    while (children.length > 1) children = this.writeInternal(++level, children);
    return children.length === 0 ? null : children[0][1];
  }

  private rewrite(hash: string, changes: TreeChange<V>[]): Child[] {
    const node = this.node(hash);
    if (node.v === 0) return this.buildLeaves((node as { e: Array<[string, V]> }).e, changes);
    const old = (node as { c: Child[] }).c;
    const out: Child[] = [];
    let at = 0;
    for (let i = 0; i < old.length; i++) {
      const upper = i + 1 < old.length ? old[i + 1][0] : undefined;
      let end = at;
      while (end < changes.length && (upper === undefined || compareUtf8(changes[end][0], upper) < 0)) end++;
      if (end === at) out.push(old[i]);
      else out.push(...this.rewrite(old[i][1], changes.slice(at, end)));
      at = end;
    }
    return this.writeInternal(node.v, out);
  }

  private sumLive(children: Child[]): number {
    return children.reduce((n, c) => n + c[2], 0);
  }

  private buildLeaves(entries: Array<[string, V]>, changes: TreeChange<V>[]): Child[] {
    const merged: Array<[string, V]> = [];
    let i = 0;
    let j = 0;
    while (i < entries.length || j < changes.length) {
      const c = i < entries.length && j < changes.length ? compareUtf8(entries[i][0], changes[j][0]) : i < entries.length ? -1 : 1;
      if (c < 0) merged.push(entries[i++]);
      else {
        if (c === 0) i++;
        const [k, v] = changes[j++];
        if (v !== null) merged.push([k, v]);
      }
    }
    return split(merged, MAX_LEAF).map((e) => {
      return [e[0][0], this.write({ v: 0, e }), e.filter(([, v]) => this.isLive(v)).length] as Child;
    });
  }

  private writeInternal(level: number, children: Child[]): Child[] {
    return split(children, MAX_CHILDREN).map((c) => {
      return [c[0][0], this.write({ v: level, c }), this.sumLive(c)] as Child;
    });
  }

  /** Entries with key > after (or ≥ from), in UTF-8 byte order. */
  *scan(root: string | null, bound: { after?: string; from?: string } = {}): Generator<[string, V]> {
    const { base, changes } = this.layers(root);
    const seek = bound.after ?? bound.from ?? "";
    const inclusive = bound.after === undefined;
    const fromBase = base ? this.scanNode(base, seek, inclusive) : undefined;
    if (changes.length === 0) {
      if (fromBase) yield* fromBase;
      return;
    }
    let i = lowerBound(changes, seek);
    if (!inclusive && i < changes.length && changes[i][0] === seek) i++;
    let b = fromBase?.next();
    while ((b && !b.done) || i < changes.length) {
      const order = !b || b.done ? 1 : i >= changes.length ? -1 : compareUtf8(b.value[0], changes[i][0]);
      if (order < 0) {
        yield b!.value as [string, V];
        b = fromBase!.next();
        continue;
      }
      if (order === 0) b = fromBase!.next(); // the overlay's change replaces the base's entry
      const [key, value] = changes[i++];
      if (value !== null) yield [key, value];
    }
  }

  private *scanNode(hash: string, seek: string, inclusive: boolean): Generator<[string, V]> {
    const node = this.node(hash);
    if (node.v === 0) {
      const e = (node as { e: Array<[string, V]> }).e;
      for (let i = lowerBound(e, seek); i < e.length; i++) {
        if (!inclusive && e[i][0] === seek) continue;
        yield e[i];
      }
      return;
    }
    const c = (node as { c: Child[] }).c;
    for (let i = seek ? childFor(c, seek) : 0; i < c.length; i++) yield* this.scanNode(c[i][1], seek, inclusive);
  }

  /** Keys whose values differ between two trees; subtrees the two share are skipped without reading. */
  *diff(a: string | null, b: string | null, equal: (x: V, y: V) => boolean): Generator<DiffEntry<V>> {
    const la = this.layers(a);
    const lb = this.layers(b);
    const fromBases = this.diffBases(la.base, lb.base, equal);
    if (la.changes.length === 0 && lb.changes.length === 0) {
      yield* fromBases;
      return;
    }
    // A key either overlay touches is compared by its final values; any other key differs only where the bases do.
    const touched = [...new Set([...la.changes, ...lb.changes].map(([k]) => k))].sort(compareUtf8);
    const compare = (key: string): DiffEntry<V> | undefined => {
      const before = this.get(a, key);
      const after = this.get(b, key);
      if (before === undefined && after === undefined) return undefined;
      if (before !== undefined && after !== undefined && equal(before, after)) return undefined;
      return { key, ...(before !== undefined && { before }), ...(after !== undefined && { after }) };
    };
    let t = 0;
    for (const d of fromBases) {
      for (; t < touched.length && compareUtf8(touched[t], d.key) <= 0; t++) {
        const entry = compare(touched[t]);
        if (entry) yield entry;
      }
      if (touched[t - 1] !== d.key) yield d;
    }
    for (; t < touched.length; t++) {
      const entry = compare(touched[t]);
      if (entry) yield entry;
    }
  }

  private *diffBases(a: string | null, b: string | null, equal: (x: V, y: V) => boolean): Generator<DiffEntry<V>> {
    type Item = { node: string; level: number } | { key: string; value: V };
    const qa: Item[] = a ? [{ node: a, level: this.node(a).v }] : [];
    const qb: Item[] = b ? [{ node: b, level: this.node(b).v }] : [];
    const expand = (q: Item[]) => {
      const head = q.shift() as { node: string };
      const node = this.node(head.node);
      const items: Item[] =
        node.v === 0
          ? (node as { e: Array<[string, V]> }).e.map(([key, value]) => ({ key, value }))
          : (node as { c: Child[] }).c.map(([, child]) => ({ node: child, level: node.v - 1 })); // no read: a child is one level down
      q.unshift(...items);
    };
    while (qa.length || qb.length) {
      const ha = qa[0];
      const hb = qb[0];
      if (ha && hb && "node" in ha && "node" in hb && ha.node === hb.node) {
        qa.shift();
        qb.shift();
      } else if (ha && "node" in ha && (!hb || !("node" in hb) || ha.level >= hb.level)) expand(qa);
      else if (hb && "node" in hb) expand(qb);
      else {
        const ea = ha as { key: string; value: V } | undefined;
        const eb = hb as { key: string; value: V } | undefined;
        const c = ea && eb ? compareUtf8(ea.key, eb.key) : ea ? -1 : 1;
        if (c < 0) {
          qa.shift();
          yield { key: ea!.key, before: ea!.value };
        } else if (c > 0) {
          qb.shift();
          yield { key: eb!.key, after: eb!.value };
        } else {
          qa.shift();
          qb.shift();
          if (!equal(ea!.value, eb!.value)) yield { key: ea!.key, before: ea!.value, after: eb!.value };
        }
      }
    }
  }

  /** Every node hash reachable from root (for gc marking and fsck). */
  *nodes(root: string | null): Generator<{ hash: string; node: TreeNode<V> }> {
    if (!root) return;
    const node = this.node(root);
    yield { hash: root, node };
    for (const child of nodeLinks(node).children) yield* this.nodes(child);
  }
}

function lowerBound(entries: ReadonlyArray<readonly [string, unknown]>, key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(entries[mid][0], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The child whose range holds key: the last child whose first key is ≤ key (the first child takes smaller keys). */
function childFor(children: Child[], key: string): number {
  let lo = 0;
  let hi = children.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (compareUtf8(children[mid][0], key) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Cuts an overfull node into even parts filled to about 3/4 of max, as B-trees are bulk-loaded: a node built
 * full would split again at the next write into it, rewriting a sibling and its parent too (a cascade, right
 * after a bulk load, on every level).
 */
function split<T>(items: T[], max: number): T[][] {
  if (items.length === 0) return [];
  if (items.length <= max) return [items];
  const parts = Math.ceil(items.length / Math.max(1, Math.floor((max * 3) / 4)));
  const size = Math.ceil(items.length / parts);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
