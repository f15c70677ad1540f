// Purges, null versions and branch deletion in the versioned model (see docs/versioning.md).
import { describe, expect, test } from "bun:test";
import { fsck, gc } from "../../src/repo/maintenance.ts";
import type { KeyWrite } from "../../src/repo/versioned-store.ts";
import { decode, openService, text } from "../helpers/repo.ts";
import { tmpDir } from "../helpers/tmp-dir.ts";

const purge = (key: string, version: string): KeyWrite => ({ key, purge: version, time: Date.now() });

describe("purges", () => {
  test("inside an open commit: in effect at once, recorded by the finished commit", async () => {
    const svc = openService();
    await svc.versions.createBranch("r", "main");
    const v1 = (await svc.putObject("r", "main", "k", text("one"))).commit;
    const v2 = (await svc.putObject("r", "main", "k", text("two"))).commit;
    await svc.versions.startCommit("r", "main");
    await svc.versions.write("r", "main", [purge("k", v2)]);
    expect(decode(await svc.getObject("r", "main", "k"))).toBe("one"); // readers of the head see it already
    expect(decode(await svc.getObject("r", "main", "k", v2))).toBe("one");
    const record = await svc.versions.finishCommit("r", "main");
    expect(record.purged).toEqual([["k", v2]]);
    expect(svc.versions.objects.get(record.root, "k")?.c).toBe(v1);
    await svc.close();
  });

  test("dropping an open commit keeps its purges and records them in a commit of their own", async () => {
    const svc = openService();
    await svc.versions.createBranch("r", "main");
    const v1 = (await svc.putObject("r", "main", "k", text("one"))).commit;
    await svc.versions.startCommit("r", "main");
    await svc.putObject("r", "main", "other", text("dropped"));
    await svc.versions.write("r", "main", [purge("k", v1)]);
    await svc.versions.dropCommit("r", "main");
    const [head] = svc.versions.log("r", "main");
    expect(head.purged).toEqual([["k", v1]]);
    expect(head.message).toContain("dropped commit");
    expect(svc.statObject("r", "main", "k")).toBeUndefined();
    expect(svc.statObject("r", "main", "other")).toBeUndefined();
    expect(svc.versions.objects.get(head.root, "k")).toBeUndefined();
    await svc.close();
  });

  test("gc keeps a version blob two keys share when only one key's version was purged", async () => {
    const dir = tmpDir();
    let svc = openService(dir, { packLimit: 16 * 1024 });
    await svc.versions.createBranch("r", "main");
    const stored = await svc.ingest(new Uint8Array(20_000).fill(7));
    const manifest = svc.manifests.put({ size: stored.size, etag: stored.digest, time: 1, chunks: stored.chunks });
    // The same entry under two keys in one commit; overwriting both makes one version blob for both chains.
    const same = (key: string): KeyWrite => ({ key, manifest, size: stored.size, etag: stored.digest, time: 1 });
    const { commit } = await svc.versions.write("r", "main", [same("a"), same("b")]);
    await svc.putObject("r", "main", "a", text("a2"));
    await svc.putObject("r", "main", "b", text("b2"));
    await svc.versions.write("r", "main", [purge("a", commit)]);
    await svc.close();
    await gc(dir, { minLiveFraction: 1, packLimit: 16 * 1024 });
    svc = openService(dir);
    expect((await svc.getObject("r", "main", "b", commit))?.length).toBe(20_000);
    expect(decode(await svc.getObject("r", "main", "a", commit))).toBeUndefined();
    await svc.close();
    const report = await fsck(dir);
    expect(JSON.stringify(report)).not.toContain("missing");
  });
});

describe("suspended versioning", () => {
  test("each write replaces the key's null version; versions from before stay", async () => {
    const svc = openService();
    await svc.versions.createBranch("r", "main");
    const kept = (await svc.putObject("r", "main", "k", text("kept"))).commit;
    await svc.versions.setVersioning("r", "main", "Suspended");
    expect(svc.versions.versioning("r", "main")).toBe("Suspended");
    for (const body of ["n1", "n2", "n3"]) await svc.putObject("r", "main", "k", text(body));
    const head = svc.versions.headCommit("r", "main", "durable")!;
    const s = svc.versions.snapshot("r", head.root, "durable");
    expect([...svc.versions.versionsOf(s, "k")].map((e) => (e.n ? "null" : e.c))).toEqual(["null", kept]);
    expect(decode(await svc.getObject("r", "main", "k"))).toBe("n3");
    // The chain does not grow: the new null version links past the one it replaced.
    const entry = svc.versions.objects.get(head.root, "k")!;
    expect(entry.n).toBe(1);
    expect(svc.versions.history.versions(undefined, "k", entry).next().value?.c).toBe(entry.c);
    expect([...svc.versions.history.versions(undefined, "k", entry)].length).toBe(2);
    await svc.versions.setVersioning("r", "main", "Enabled");
    expect(svc.versions.versioning("r", "main")).toBe("Enabled");
    await svc.close();
  });
});

describe("deleting a branch keeps every version readable", () => {
  const refusal = (p: Promise<unknown>) => p.then(() => "deleted", (e) => (e as Error).message);

  test("a branch that shares all it holds with another goes; one with its own versions stays until they are purged", async () => {
    const svc = openService();
    await svc.versions.createBranch("r", "main");
    const base = (await svc.putObject("r", "main", "k", text("base"))).commit;
    await svc.versions.createBranch("r", "copy", { branch: "main" });
    expect(await refusal(svc.versions.deleteBranch("r", "copy", { keepVersions: true }))).toBe("deleted");

    await svc.versions.createBranch("r", "dev", { branch: "main" });
    const mine = (await svc.putObject("r", "dev", "new", text("dev only"))).commit;
    expect(await refusal(svc.versions.deleteBranch("r", "dev", { keepVersions: true }))).toContain(`key "new" version ${mine}`);
    await svc.versions.write("r", "dev", [purge("new", mine)]);
    expect(await refusal(svc.versions.deleteBranch("r", "dev", { keepVersions: true }))).toBe("deleted");

    // main's versions are all in feature's history: main may go, and the repo stays with feature.
    await svc.versions.createBranch("r", "feature", { branch: "main" });
    await svc.putObject("r", "feature", "f", text("f"));
    expect(await refusal(svc.versions.deleteBranch("r", "main", { keepVersions: true }))).toBe("deleted");
    expect(decode(await svc.getObject("r", "feature", "k", base))).toBe("base");
    // The last branch: everything it holds would be lost with the repo.
    expect(await refusal(svc.versions.deleteBranch("r", "feature", { keepVersions: true }))).toContain("strata repo delete r --force");
    await svc.close();
  });

  test("an open commit's writes count as the branch's own", async () => {
    const svc = openService();
    await svc.versions.createBranch("r", "main");
    await svc.putObject("r", "main", "k", text("x"));
    await svc.versions.createBranch("r", "dev", { branch: "main" });
    await svc.versions.startCommit("r", "dev");
    await svc.putObject("r", "dev", "pending", text("p"));
    expect(await refusal(svc.versions.deleteBranch("r", "dev", { keepVersions: true }))).toContain('key "pending"');
    await svc.close();
  });
});

describe("the newest commit two histories share", () => {
  test("agrees with walking parents, for forks at every depth", async () => {
    const svc = openService();
    await svc.versions.createBranch("r", "main");
    for (let i = 0; i < 40; i++) await svc.putObject("r", "main", "k", text(`m${i}`));
    const main = [...svc.versions.log("r", "main")].reverse();
    const index = () => svc.versions.getRepo("r", "durable")!.commits;
    for (const forkAt of [0, 1, 7, 20, 39]) {
      const name = `b${forkAt}`;
      await svc.versions.createBranch("r", name, { commit: main[forkAt].id });
      for (let i = 0; i < forkAt % 5; i++) await svc.putObject("r", name, "k", text(`${name}-${i}`));
      const tip = svc.versions.headCommit("r", name, "durable")!;
      expect(svc.versions.graph.mergeBase(index(), tip, main.at(-1)!)?.id).toBe(main[forkAt].id);
      expect(svc.versions.graph.mergeBase(index(), main.at(-1)!, tip)?.id).toBe(main[forkAt].id);
    }
    await svc.versions.createBranch("r", "alone");
    await svc.putObject("r", "alone", "k", text("unrelated"));
    expect(svc.versions.graph.mergeBase(index(), svc.versions.headCommit("r", "alone", "durable")!, main.at(-1)!)).toBeUndefined();
    await svc.close();
  });
});
