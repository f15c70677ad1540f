import { describe, expect, test } from "bun:test";
import { BlobStore } from "../../src/store/blob-store.ts";
import { Tree } from "../../src/repo/tree.ts";
import { compareUtf8 } from "../../src/util/bytes.ts";
import { DEFAULT_CACHE_BUDGETS } from "../../src/util/memory-budget.ts";
import { rng, tmpDir } from "../helpers/tmp-dir.ts";

type V = { n: number; live: boolean };
const ALPHABET = ["a", "b", "z", "/", "é", "中", "\u{1F600}", "0"];

function randomKey(rand: () => number): string {
  let k = "";
  const len = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < len; i++) k += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return k;
}

const sortedModel = (m: Map<string, V>) => [...m].sort((a, b) => compareUtf8(a[0], b[0]));
const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe("copy-on-write tree against a sorted map", () => {
  for (const seed of [1, 2, 3]) {
    test(`random applies, gets, scans and diffs agree with the model (seed ${seed})`, () => {
      const rand = rng(seed);
      const blobs = new BlobStore(tmpDir(), { packLimit: 1 << 30 });
      const tree = new Tree<V>(blobs, DEFAULT_CACHE_BUDGETS.trees.objects, (v) => v.live);
      const model = new Map<string, V>();
      let root: string | null = null;
      let n = 0;
      const history: Array<{ root: string | null; model: Map<string, V> }> = [];
      for (let round = 0; round < 120; round++) {
        const batch = Math.floor(rand() * (round % 10 === 0 ? 400 : 12));
        const changes: Array<[string, V | null]> = [];
        for (let i = 0; i < batch; i++) {
          const key = rand() < 0.5 ? randomKey(rand) : `bulk/${Math.floor(rand() * 3000)}`;
          const del = rand() < 0.3;
          const value = del ? null : { n: n++, live: rand() < 0.9 };
          changes.push([key, value]);
          if (value) model.set(key, value);
          else model.delete(key);
        }
        root = tree.apply(root, changes);
        history.push({ root, model: new Map(model) });
        const expected = sortedModel(model);
        expect([...tree.scan(root)]).toEqual(expected);
        expect(tree.count(root)).toBe(expected.filter(([, v]) => v.live).length);
        // keys come out in UTF-8 byte order
        const keys = expected.map(([k]) => k);
        expect([...keys].sort(utf8Order)).toEqual(keys);
        for (let i = 0; i < 5; i++) {
          const probe = rand() < 0.5 && keys.length ? keys[Math.floor(rand() * keys.length)] : randomKey(rand);
          expect(tree.get(root, probe)).toEqual(model.get(probe));
          const after = [...tree.scan(root, { after: probe })].slice(0, 20);
          expect(after).toEqual(expected.filter(([k]) => compareUtf8(k, probe) > 0).slice(0, 20));
          const from = [...tree.scan(root, { from: probe })].slice(0, 20);
          expect(from).toEqual(expected.filter(([k]) => compareUtf8(k, probe) >= 0).slice(0, 20));
        }
      }
      // diff any two versions equals the model's symmetric difference
      for (let i = 0; i < 15; i++) {
        const a = history[Math.floor(rand() * history.length)];
        const b = history[Math.floor(rand() * history.length)];
        const expected: Array<{ key: string; before?: V; after?: V }> = [];
        const keys = new Set([...a.model.keys(), ...b.model.keys()]);
        for (const key of [...keys].sort(compareUtf8)) {
          const before = a.model.get(key);
          const after = b.model.get(key);
          if (before?.n === after?.n) continue;
          const d: { key: string; before?: V; after?: V } = { key };
          if (before) d.before = before;
          if (after) d.after = after;
          expected.push(d);
        }
        expect([...tree.diff(a.root, b.root, (x, y) => x.n === y.n)]).toEqual(expected);
      }
      blobs.close();
    });
  }

  test("a write into a big tree writes one small overlay; the overlay folds in after 16 keys, rewriting O(log n) nodes", () => {
    const blobs = new BlobStore(tmpDir(), { packLimit: 1 << 30 });
    const tree = new Tree<number>(blobs, DEFAULT_CACHE_BUDGETS.trees.objects);
    const changes: Array<[string, number]> = Array.from({ length: 50_000 }, (_, i) => [`key/${String(i).padStart(6, "0")}`, i]);
    const root = tree.apply(null, changes);
    const nodes = [...tree.nodes(root)].length;
    expect(nodes).toBeGreaterThan(400);
    let at = root;
    const written: number[] = [];
    for (let i = 0; i < 17; i++) {
      const before = blobs.stats().blobs;
      at = tree.apply(at, [[`key/025000x${i}`, i]]);
      written.push(blobs.stats().blobs - before);
    }
    expect(written.slice(0, 16)).toEqual(Array(16).fill(1)); // one overlay blob per write
    expect(written[16]).toBeLessThanOrEqual(5); // the fold: the leaf, split in two by 17 new keys, and its 3 parents
    // after the fold the root is a B+tree again: every node it reaches is a B+tree node
    expect([...tree.nodes(at)].every(({ node }) => node.v >= 0)).toBe(true);
    expect(tree.count(at)).toBe(50_017);
    expect([...tree.diff(root, at, (a, b) => a === b)].map((d) => d.key)).toEqual(Array.from({ length: 17 }, (_, i) => `key/025000x${i}`).sort(compareUtf8));
    blobs.close();
  });

  test("an overlay over a tree shadows, removes and adds keys for get, scan, count, diff and nodes", () => {
    const blobs = new BlobStore(tmpDir(), { packLimit: 1 << 30 });
    const tree = new Tree<number>(blobs, DEFAULT_CACHE_BUDGETS.trees.objects);
    const base = tree.apply(null, Array.from({ length: 100 }, (_, i) => [`k${String(i).padStart(3, "0")}`, i] as [string, number]));
    const over = tree.apply(base, [["k010", -10], ["k020", null], ["k0505", 505]]);
    expect(tree.node(over!).v).toBe(-1);
    expect(tree.get(over, "k010")).toBe(-10);
    expect(tree.get(over, "k020")).toBeUndefined();
    expect(tree.get(over, "k0505")).toBe(505);
    expect(tree.get(over, "k030")).toBe(30);
    expect(tree.count(over)).toBe(100);
    expect([...tree.scan(over, { after: "k019" })].slice(0, 2)).toEqual([["k021", 21], ["k022", 22]]);
    expect([...tree.scan(over, { from: "k050" })].slice(0, 3)).toEqual([["k050", 50], ["k0505", 505], ["k051", 51]]);
    expect([...tree.diff(base, over, (a, b) => a === b)]).toEqual([
      { key: "k010", before: 10, after: -10 },
      { key: "k020", before: 20 },
      { key: "k0505", after: 505 },
    ]);
    // gc and fsck walk nodes: the overlay and every node of its base
    expect([...tree.nodes(over)].map((n) => n.hash)).toEqual([over!, ...[...tree.nodes(base)].map((n) => n.hash)]);
    blobs.close();
  });
});
