// Three-way merges, reverts, tags and protected branches in the versioned model, checked against a naive model:
// every branch's contents as a plain map, merge bases found by walking every ancestor.
import { describe, expect, test } from "bun:test";
import type { MergeStrategy, RepoService } from "../../src/repo/service.ts";
import type { LocalStore } from "../../src/store/store.ts";
import { decode, openService, text } from "../helpers/repo.ts";

type Contents = Map<string, string>;

/** A small seeded generator (mulberry32): a failing history can be replayed from its seed. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const KEYS = ["a", "b", "c", "d/e", "d/f", "g", "h", "i"];
const VALUES = ["x", "y", "z"]; // few values, so that both sides often make the same change

/** What the naive model expects of merging source into dest against base. */
function naiveMerge(base: Contents, source: Contents, dest: Contents, strategy: MergeStrategy): { result: Contents; conflicts: string[] } {
  const result = new Map(dest);
  const conflicts: string[] = [];
  for (const key of new Set([...base.keys(), ...source.keys(), ...dest.keys()])) {
    const [b, s, d] = [base.get(key), source.get(key), dest.get(key)];
    if (s === b || s === d) continue;
    if (d !== b) {
      if (strategy === "fail") conflicts.push(key);
      if (strategy !== "source-wins") continue;
    }
    if (s === undefined) result.delete(key);
    else result.set(key, s);
  }
  return { result, conflicts: conflicts.sort() };
}

/** The best common ancestors of two commits, by walking every ancestor of both. */
function naiveBases(svc: RepoService, repo: string, a: string, b: string): string[] {
  const ancestors = (id: string) => {
    const seen = new Set<string>();
    const todo = [id];
    while (todo.length) {
      const c = svc.findCommit(repo, todo.pop()!)!;
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      if (c.parent) todo.push(c.parent);
      if (c.merged) todo.push(c.merged);
    }
    return seen;
  };
  const ofB = ancestors(b);
  const common = [...ancestors(a)].filter((id) => ofB.has(id));
  return common.filter((x) => !common.some((y) => y !== x && ancestors(y).has(x)));
}

async function contentsOf(svc: RepoService, branch: string): Promise<Contents> {
  const out: Contents = new Map();
  for (const key of KEYS) {
    const v = decode(await svc.getObject("r", branch, key));
    if (v !== undefined) out.set(key, v);
  }
  return out;
}

async function randomWrites(svc: RepoService<LocalStore>, rnd: (n: number) => number, branch: string, model: Contents, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const key = KEYS[rnd(KEYS.length)];
    if (rnd(4) === 0) {
      await svc.deleteObjects({ repo: "r", branch }, [{ key }]);
      model.delete(key);
    } else {
      const value = VALUES[rnd(VALUES.length)];
      await svc.putObject("r", branch, key, text(value));
      model.set(key, value);
    }
  }
}

describe("three-way merge against a naive model", () => {
  const STRATEGIES: MergeStrategy[] = ["fail", "source-wins", "dest-wins"];
  for (let seed = 1; seed <= 40; seed++) {
    test(`random histories on two branches, merged both ways (seed ${seed})`, async () => {
      const rnd = random(seed);
      const svc = openService();
      await svc.createBranch("r", "dest");
      const models: Record<string, Contents> = { dest: new Map() };
      /** each commit's contents, to find the base's in the naive model */
      const at = new Map<string, Contents>();
      const remember = (branch: string) => {
        const head = svc.headCommit("r", branch);
        if (head) at.set(head.id, new Map(models[branch]));
      };
      await randomWrites(svc, rnd, "dest", models.dest, 1 + rnd(6));
      remember("dest");
      await svc.createBranch("r", "src", { branch: "dest" });
      models.src = new Map(models.dest);
      for (let round = 0; round < 4; round++) {
        for (const branch of ["dest", "src"]) {
          await randomWrites(svc, rnd, branch, models[branch], rnd(5));
          remember(branch);
        }
        const [from, into] = rnd(3) === 0 ? ["dest", "src"] : ["src", "dest"]; // criss-cross merges now and then
        const strategy = STRATEGIES[rnd(3)];
        const fromHead = svc.headCommit("r", from)!.id;
        const intoHead = svc.headCommit("r", into)!.id;
        const bases = naiveBases(svc, "r", fromHead, intoHead);
        const outcome = await svc.merge({ repo: "r", branch: into }, { repo: "r", branch: from }, { strategy });
        expect(bases).toContain(outcome.base!);
        const expected = naiveMerge(at.get(outcome.base!)!, models[from], models[into], strategy);
        expect(outcome.conflicts.map((c) => c.key)).toEqual(expected.conflicts);
        if (expected.conflicts.length) {
          expect(outcome.result).toBe("conflict");
          expect(svc.headCommit("r", into)!.id).toBe(intoHead); // nothing written
          // Both sides' versions are listed: present exactly where the model has the key.
          for (const c of outcome.conflicts) {
            expect(c.source !== undefined && !c.source.deleteMarker).toBe(models[from].has(c.key));
            expect(c.dest !== undefined && !c.dest.deleteMarker).toBe(models[into].has(c.key));
          }
          continue;
        }
        models[into] = expected.result;
        expect(await contentsOf(svc, into)).toEqual(expected.result);
        if (outcome.result === "merged") {
          const merge = svc.headCommit("r", into)!;
          expect([merge.parent, merge.merged]).toEqual([intoHead, fromHead]);
        }
        remember(into);
      }
      await svc.close();
    });
  }
});

describe("merge", () => {
  test("fast-forwards a branch that has not moved, and lists conflicts with both sides' versions", async () => {
    const svc = openService();
    await svc.createBranch("r", "main");
    await svc.putObject("r", "main", "k", text("base"));
    await svc.createBranch("r", "dev", { branch: "main" });
    const dev = (await svc.putObject("r", "dev", "k", text("dev"))).commit;
    const ff = await svc.merge({ repo: "r", branch: "main" }, { repo: "r", branch: "dev" });
    expect([ff.result, ff.commit, ff.changed]).toEqual(["fast-forward", dev, 1]);
    expect((await svc.merge({ repo: "r", branch: "main" }, { repo: "r", branch: "dev" })).result).toBe("up-to-date");
    await svc.putObject("r", "dev", "k", text("dev 2"));
    const mainWrite = await svc.putObject("r", "main", "k", text("main 2"));
    const dry = await svc.merge({ repo: "r", branch: "main" }, { repo: "r", branch: "dev" }, { dryRun: true, strategy: "source-wins" });
    expect([dry.result, dry.commit, dry.changed, dry.resolved]).toEqual(["merged", null, 1, 1]);
    const failed = await svc.merge({ repo: "r", branch: "main" }, { repo: "r", branch: "dev" });
    expect(failed.result).toBe("conflict");
    expect(failed.conflicts).toHaveLength(1);
    expect(failed.conflicts[0].dest?.version).toBe(mainWrite.commit);
    expect(failed.conflicts[0].base?.version).toBe(dev);
    expect(svc.headCommit("r", "main")!.id).toBe(mainWrite.commit);
    const won = await svc.merge({ repo: "r", branch: "main" }, { repo: "r", branch: "dev" }, { strategy: "source-wins", author: "ann", meta: { ticket: "7" } });
    expect(decode(await svc.getObject("r", "main", "k"))).toBe("dev 2");
    const merge = svc.findCommit("r", won.commit!)!;
    expect([merge.author, merge.meta, merge.message]).toEqual(["ann", { ticket: "7" }, "merge " + svc.headCommit("r", "dev")!.id + " into main"]);
    // The version source-wins wrote is the merge commit's, over main's own: its history keeps main's version.
    const versions = [...svc.listVersions(svc.snapshot({ repo: "r", branch: "main" }), {})].filter((v) => "key" in v);
    expect(versions.map((v) => ("version" in v ? v.version : ""))).toEqual([won.commit, mainWrite.commit, dev, expect.any(String)]);
    await svc.close();
  });

  test("a version merged in cleanly keeps its id, readable by it through the merged branch", async () => {
    const svc = openService();
    await svc.createBranch("r", "main");
    await svc.putObject("r", "main", "a", text("1"));
    await svc.createBranch("r", "dev", { branch: "main" });
    const devWrite = await svc.putObject("r", "dev", "b", text("from dev"));
    await svc.putObject("r", "main", "a", text("2"));
    const out = await svc.merge({ repo: "r", branch: "main" }, { repo: "r", branch: "dev" });
    expect(out.result).toBe("merged");
    const snap = svc.snapshot({ repo: "r", branch: "main" });
    expect(svc.readVersion(snap, "b")).toMatchObject({ version: devWrite.commit });
    expect(svc.readVersion(snap, "b", devWrite.commit)).toMatchObject({ version: devWrite.commit });
    expect(svc.inHistory("r", "main", devWrite.commit)).toBe(true);
    await svc.close();
  });
});

describe("revert", () => {
  test("undoes exactly one commit's changes with new versions; a key changed since is a conflict", async () => {
    const svc = openService();
    await svc.createBranch("r", "main");
    await svc.putObject("r", "main", "keep", text("1"));
    await svc.startCommit("r", "main");
    await svc.putObject("r", "main", "keep", text("2"));
    await svc.putObject("r", "main", "added", text("new"));
    await svc.deleteObjects({ repo: "r", branch: "main" }, [{ key: "gone" }]);
    const bad = await svc.finishCommit("r", "main");
    await svc.putObject("r", "main", "other", text("later"));
    const out = await svc.revert({ repo: "r", branch: "main" }, bad.id, { author: "bob" });
    expect(out.result).toBe("merged");
    expect(decode(await svc.getObject("r", "main", "keep"))).toBe("1");
    expect(await svc.getObject("r", "main", "added")).toBeUndefined();
    expect(decode(await svc.getObject("r", "main", "other"))).toBe("later");
    expect(svc.readVersion(svc.snapshot({ repo: "r", branch: "main" }), "keep")).toMatchObject({ version: out.commit });
    expect(svc.findCommit("r", out.commit!)?.author).toBe("bob");
    // Reverting the revert brings the commit's changes back; a key changed since conflicts.
    await svc.putObject("r", "main", "added", text("again"));
    const clash = await svc.revert({ repo: "r", branch: "main" }, out.commit!);
    expect([clash.result, clash.conflicts.map((c) => c.key)]).toEqual(["conflict", ["added"]]);
    await svc.close();
  });
});

describe("tags and protected branches", () => {
  test("a tag names a commit for good and shares the branch namespace", async () => {
    const svc = openService();
    await svc.createBranch("r", "main");
    const first = await svc.putObject("r", "main", "k", text("v1"));
    const tag = await svc.createTag("r", "v1", { repo: "r", branch: "main" }, { author: "ann" });
    expect(tag.commit).toBe(first.commit);
    await svc.putObject("r", "main", "k", text("v2"));
    expect(svc.tag("r", "v1")?.commit).toBe(first.commit);
    expect(svc.resolveCommit({ repo: "r", branch: "v1" })).toBe(first.commit);
    await expect(svc.createBranch("r", "v1")).rejects.toMatchObject({ code: "TagExists" });
    await expect(svc.createTag("r", "main", { repo: "r", branch: "main" })).rejects.toMatchObject({ code: "BranchExists" });
    await expect(svc.createTag("r", "v1", { repo: "r", branch: "main" })).rejects.toMatchObject({ code: "TagExists" });
    expect(svc.listTags("r").map((t) => t.name)).toEqual(["v1"]);
    await svc.deleteTag("r", "v1");
    expect(svc.listTags("r")).toEqual([]);
    await svc.close();
  });

  test("a protected branch refuses direct writes and deletion, takes merges and reverts", async () => {
    const svc = openService();
    await svc.createBranch("r", "main");
    await svc.putObject("r", "main", "k", text("1"));
    await svc.createBranch("r", "dev", { branch: "main" });
    await svc.setProtected("r", "main", true);
    await expect(svc.putObject("r", "main", "k", text("2"))).rejects.toMatchObject({ code: "BranchProtected" });
    await expect(svc.startCommit("r", "main")).rejects.toMatchObject({ code: "BranchProtected" });
    await expect(svc.deleteBranch("r", "main")).rejects.toMatchObject({ code: "BranchProtected" });
    const w = await svc.putObject("r", "dev", "k", text("2"));
    expect((await svc.merge({ repo: "r", branch: "main" }, { repo: "r", branch: "dev" })).result).toBe("fast-forward");
    expect((await svc.revert({ repo: "r", branch: "main" }, w.commit)).result).toBe("merged");
    expect(decode(await svc.getObject("r", "main", "k"))).toBe("1");
    await svc.setProtected("r", "main", false);
    await svc.putObject("r", "main", "k", text("3"));
    await svc.close();
  });
});

test("8 concurrent merges and 8 writers into one branch: every one lands, no update lost", async () => {
  const svc = openService();
  await svc.createBranch("r", "main");
  await svc.putObject("r", "main", "seed", text("0"));
  for (let i = 0; i < 8; i++) {
    await svc.createBranch("r", `job-${i}`, { branch: "main" });
    for (let j = 0; j < 3; j++) await svc.putObject("r", `job-${i}`, `job-${i}/${j}`, text(`${i}.${j}`));
  }
  const merges = Array.from({ length: 8 }, (_, i) => svc.merge({ repo: "r", branch: "main" }, { repo: "r", branch: `job-${i}` }));
  const writes = Array.from({ length: 8 }, (_, i) => svc.putObject("r", "main", `writer-${i}`, text(`w${i}`)));
  const outcomes = await Promise.all(merges);
  await Promise.all(writes);
  for (const o of outcomes) expect(["merged", "fast-forward"]).toContain(o.result);
  for (let i = 0; i < 8; i++) {
    expect(decode(await svc.getObject("r", "main", `writer-${i}`))).toBe(`w${i}`);
    for (let j = 0; j < 3; j++) expect(decode(await svc.getObject("r", "main", `job-${i}/${j}`))).toBe(`${i}.${j}`);
    expect(svc.inHistory("r", "main", svc.headCommit("r", `job-${i}`)!.id)).toBe(true);
  }
  await svc.close();
});
