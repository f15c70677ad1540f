import { describe, expect, test } from "bun:test";
import { skipGeneration } from "../../src/repo/commit-graph.ts";
import { RepoError } from "../../src/repo/errors.ts";
import type { CommitRecord } from "../../src/repo/model.ts";
import { decode, openService, text } from "../helpers/repo.ts";
import { rng } from "../helpers/tmp-dir.ts";

describe("commits and ancestry", () => {
  test("skip generations point strictly backwards", () => {
    for (let g = 1; g < 5000; g++) expect(skipGeneration(g)).toBeLessThan(g);
  });

  test("ancestry over a long history agrees with walking parents, in O(log n) reads", async () => {
    const svc = await openService();
    await svc.versions.createBranch("r", "main");
    for (let i = 0; i < 1500; i++) await svc.versions.write("r", "main", [{ key: `k${i % 13}`, manifest: "m".repeat(64), size: i, etag: "e", time: i }]);
    const log = [...svc.versions.log("r", "main")].reverse(); // oldest first
    expect(log.length).toBe(1500);
    log.forEach((c, i) => expect(c.gen).toBe(i));
    const root = svc.versions.getRepo("r", "durable")!.commits;
    const rand = rng(7);
    for (let t = 0; t < 300; t++) {
      const a = Math.floor(rand() * log.length);
      const b = Math.floor(rand() * log.length);
      expect(svc.versions.graph.ancestorAt(root, log[b], a)?.id).toBe(b >= a ? log[a].id : undefined);
      expect(svc.versions.graph.isAncestor(root, log[a], log[b])).toBe(a <= b);
    }
    // Reading through the skip list: counting commit lookups for the deepest ancestor query.
    let reads = 0;
    const find = svc.versions.graph.find.bind(svc.versions.graph);
    svc.versions.graph.find = (r, id) => (reads++, find(r, id));
    svc.versions.graph.ancestorAt(root, log.at(-1)!, 0);
    expect(reads).toBeLessThan(60);
    // A side branch is not in main's history, and main's commits are not in the side branch's future.
    await svc.versions.createBranch("r", "side", { commit: log[700].id });
    const side = await svc.versions.write("r", "side", [{ key: "s", delete: true, time: 1 }, { key: "x", manifest: "m".repeat(64), size: 1, etag: "e", time: 1 }]);
    expect(svc.versions.inHistory("r", "side", log[700].id)).toBe(true);
    expect(svc.versions.inHistory("r", "side", log[701].id)).toBe(false);
    expect(svc.versions.inHistory("r", "main", side.commit)).toBe(false);
    await svc.close();
  });

  test("diff of two commits names added, changed and deleted keys", async () => {
    const svc = await openService();
    await svc.versions.createBranch("r", "main");
    const a = await svc.putObject("r", "main", "keep", text("1"));
    await svc.putObject("r", "main", "change", text("1"));
    await svc.putObject("r", "main", "gone", text("1"));
    const from = svc.versions.headCommit("r", "main", "durable")!.id;
    await svc.putObject("r", "main", "change", text("2"));
    await svc.versions.write("r", "main", [{ key: "gone", delete: true, time: Date.now() }]);
    const to = (await svc.putObject("r", "main", "new", text("3"))).commit;
    const diff = [...svc.versions.diff("r", from, to)].map((d) => [d.key, d.change]);
    expect(diff).toEqual([["change", "changed"], ["gone", "deleted"], ["new", "added"]]);
    expect([...svc.versions.diff("r", null, a.commit)].map((d) => d.key)).toEqual(["keep"]);
    await svc.close();
  });
});

describe("a missing branch", () => {
  test("names the repo when it is the repo that is missing (a misspelt repo is no missing branch)", async () => {
    const svc = await openService();
    await svc.versions.createBranch("photos", "master");
    expect(() => svc.versions.requireBranch("photos", "dev", "latest")).toThrow(/^branch dev\.photos does not exist$/);
    expect(() => svc.versions.requireBranch("photso", "master", "latest")).toThrow(/^branch master\.photso does not exist: there is no repo photso$/);
    await svc.close();
  });
});

describe("open commits", () => {
  test("writes collect in an open commit and become visible together at finish", async () => {
    const svc = await openService();
    await svc.versions.createBranch("r", "main");
    const base = await svc.putObject("r", "main", "a", text("base"));
    const id = await svc.versions.startCommit("r", "main", "batch");
    await expect(svc.versions.startCommit("r", "main")).rejects.toThrow(RepoError);
    const w1 = await svc.putObject("r", "main", "a", text("v1"));
    const w2 = await svc.putObject("r", "main", "b", text("b1"));
    await svc.putObject("r", "main", "a", text("v2")); // a key keeps only its last version within the commit
    await svc.putObject("r", "main", "tmp", text("t"));
    await svc.versions.write("r", "main", [{ key: "tmp", delete: true, time: Date.now() }]);
    expect(w1.commit).toBe(id);
    expect(w2.commit).toBe(id);
    expect(decode(await svc.getObject("r", "main", "a"))).toBe("base"); // readers do not see it yet
    expect(svc.statObject("r", "main", "b")).toBeUndefined();
    const record: CommitRecord = await svc.versions.finishCommit("r", "main");
    expect(record.id).toBe(id);
    expect(record.parent).toBe(base.commit);
    expect(record.message).toBe("batch");
    expect(decode(await svc.getObject("r", "main", "a"))).toBe("v2");
    expect(decode(await svc.getObject("r", "main", "b"))).toBe("b1");
    // tmp never existed outside the commit: no entry, not even a delete marker
    expect(svc.versions.objects.get(record.root, "tmp")).toBeUndefined();
    // a's history: v2 (in the finished commit) then base; v1 left no trace
    const head = svc.versions.objects.get(record.root, "a")!;
    expect(head.c).toBe(id);
    expect([...svc.versions.log("r", "main")].map((c) => c.id)).toEqual([id, base.commit]);
    await svc.close();
  });

  test("dropping an open commit discards its writes; finishing with none open fails", async () => {
    const svc = await openService();
    await svc.versions.createBranch("r", "main");
    await svc.putObject("r", "main", "a", text("base"));
    await svc.versions.startCommit("r", "main");
    await svc.putObject("r", "main", "a", text("dropped"));
    await svc.versions.dropCommit("r", "main");
    expect(decode(await svc.getObject("r", "main", "a"))).toBe("base");
    await expect(svc.versions.finishCommit("r", "main")).rejects.toThrow(RepoError);
    expect([...svc.versions.log("r", "main")].length).toBe(1);
    await svc.close();
  });

  test("an open commit survives a restart", async () => {
    const svc = await openService();
    const dir = svc.store.dir;
    await svc.versions.createBranch("r", "main");
    const id = await svc.versions.startCommit("r", "main");
    await svc.putObject("r", "main", "a", text("pending"));
    await svc.close();
    const again = await openService(dir);
    expect(again.versions.getBranch("r", "main", "durable")!.open!.id).toBe(id);
    await again.versions.finishCommit("r", "main");
    expect(decode(await again.getObject("r", "main", "a"))).toBe("pending");
    await again.close();
  });
});

describe("multipart state", () => {
  test("parts are chunk lists; replacing a part keeps the last; remove forgets upload and parts", async () => {
    const svc = await openService();
    await svc.versions.createBranch("r", "main");
    const id = await svc.multipart.create("r", "main", { key: "big", created: 1, template: {} });
    for (const [n, body] of [[1, "one"], [2, "two"], [1, "ONE"]] as const) {
      const stored = await svc.ingest(new Response(body).body);
      await svc.multipart.putPart("r", "main", id, n, { ...stored, sha256: stored.digest, etag: stored.digest, time: 1 });
    }
    const parts = svc.multipart.parts(id);
    expect(parts.map((p) => p.number)).toEqual([1, 2]);
    expect(parts[0].size).toBe(3);
    const chunks = parts.flatMap((p) => p.chunks);
    const joined = await new Response(svc.read(chunks, 0, 5)).text();
    expect(joined).toBe("ONEtwo");
    expect(svc.multipart.list("r", "main").map((u) => u.id)).toEqual([id]);
    await svc.close();
    const again = await openService(svc.store.dir);
    expect(again.multipart.parts(id).length).toBe(2);
    await again.multipart.remove("r", "main", id);
    expect(again.multipart.list("r", "main")).toEqual([]);
    expect(again.multipart.parts(id)).toEqual([]);
    expect(() => again.multipart.get("r", "main", id)).toThrow(RepoError);
    await expect(again.multipart.putPart("r", "main", id, 3, { ...parts[0], time: 1 })).rejects.toThrow(RepoError);
    await again.close();
  });
  test("deleting a branch or a repo forgets its uploads' parts too, so gc can collect them", async () => {
    const svc = await openService();
    const partIn = async (repo: string, branch: string) => {
      const id = await svc.multipart.create(repo, branch, { key: "big", created: 1, template: {} });
      const stored = await svc.ingest(new Response(`part of ${repo}.${branch}`).body);
      await svc.multipart.putPart(repo, branch, id, 1, { ...stored, sha256: stored.digest, etag: stored.digest, time: 1 });
      return id;
    };
    await svc.versions.createBranch("r", "main");
    await svc.versions.createBranch("r", "dev");
    await svc.versions.createBranch("q", "main");
    const [dev, rMain, qMain] = [await partIn("r", "dev"), await partIn("r", "main"), await partIn("q", "main")];
    await svc.versions.deleteBranch("r", "dev");
    expect(svc.multipart.parts(dev)).toEqual([]);
    expect(svc.multipart.parts(rMain).length).toBe(1);
    await svc.versions.deleteRepo("r", true);
    expect(svc.multipart.parts(rMain)).toEqual([]);
    expect(svc.multipart.parts(qMain).length).toBe(1); // another repo's upload is untouched
    expect(svc.store.refs.list("part/", "latest").map(([k]) => k)).toEqual([`part/${qMain}/00001`]);
    await svc.close();
  });
});
