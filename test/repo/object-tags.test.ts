// The repo's tag index (src/repo/object-tags.ts): retags of versions, read through every snapshot that shows
// them, and dropped when a write makes them stale (a purge; a key written again inside an open commit, whose new
// version keeps the open commit's id).
import { expect, test } from "bun:test";
import type { RepoService, Snapshot } from "../../src/repo/service.ts";
import { openService } from "../helpers/repo.ts";

const main = { repo: "r", branch: "main" };

async function put(svc: RepoService, key: string, body: string, tags?: Array<[string, string]>) {
  return svc.writeObject(main, key, { stored: await svc.ingest(new TextEncoder().encode(body)), etag: "sha256", description: { tags } });
}

function live(svc: RepoService, snapshot: Snapshot, key: string, version?: string) {
  const v = svc.readVersion(snapshot, key, version);
  if (!v || v.deleteMarker) throw new Error(`no live version of ${key}`);
  return v;
}

const indexSize = (svc: RepoService) => [...svc.versions.tags.index.scan(svc.versions.getRepo("r", "durable")!.tagging ?? null)].length;

test("a retag shows in every snapshot of the version; putting back its written tags empties the index", async () => {
  const svc = openService();
  await svc.createBranch("r", "main");
  const { commit } = await put(svc, "k", "one", [["a", "1"]]);
  await put(svc, "other", "x");
  const head = () => svc.snapshot({ repo: "r", branch: "main" });
  await svc.setObjectTags(main, "k", live(svc, head(), "k"), [["b", "2"]]);
  expect(live(svc, head(), "k").tags).toEqual([["b", "2"]]);
  expect(live(svc, svc.snapshot({ repo: "r", commit }), "k").tags).toEqual([["b", "2"]]);
  expect(live(svc, head(), "k").manifest.tags).toEqual([["a", "1"]]); // the version itself is unchanged
  expect(indexSize(svc)).toBe(1);
  await svc.setObjectTags(main, "k", live(svc, head(), "k"), [["a", "1"]]);
  expect(indexSize(svc)).toBe(0);
  expect(live(svc, head(), "k").tags).toEqual([["a", "1"]]);
  await svc.close();
});

test("inside an open commit, writing a retagged key again gives the new version its own tags", async () => {
  const svc = openService();
  await svc.createBranch("r", "main");
  await svc.startCommit("r", "main");
  const open = () => svc.snapshot({ repo: "r", branch: "main", openCommit: true });
  await put(svc, "k", "first", [["v", "1"]]);
  await svc.setObjectTags(main, "k", live(svc, open(), "k"), [["retag", "of first"]]);
  expect(live(svc, open(), "k").tags).toEqual([["retag", "of first"]]);
  await put(svc, "k", "second", [["v", "2"]]);
  expect(live(svc, open(), "k").tags).toEqual([["v", "2"]]);
  expect(indexSize(svc)).toBe(0);
  await svc.finishCommit("r", "main");
  expect(live(svc, svc.snapshot({ repo: "r", branch: "main" }), "k").tags).toEqual([["v", "2"]]);
  await svc.close();
});

test("dropping an open commit drops the retags of the versions it wrote", async () => {
  const svc = openService();
  await svc.createBranch("r", "main");
  await put(svc, "kept", "k");
  await svc.setObjectTags(main, "kept", live(svc, svc.snapshot({ repo: "r", branch: "main" }), "kept"), [["t", "kept"]]);
  await svc.startCommit("r", "main");
  await put(svc, "k", "in the open commit");
  await svc.setObjectTags(main, "k", live(svc, svc.snapshot({ repo: "r", branch: "main", openCommit: true }), "k"), [["t", "dropped"]]);
  expect(indexSize(svc)).toBe(2);
  await svc.dropCommit("r", "main");
  expect(indexSize(svc)).toBe(1);
  expect(live(svc, svc.snapshot({ repo: "r", branch: "main" }), "kept").tags).toEqual([["t", "kept"]]);
  await svc.close();
});

test("a purge drops the purged version's retag and keeps the others'; a purged version can't be retagged", async () => {
  const svc = openService();
  await svc.createBranch("r", "main");
  const v1 = (await put(svc, "k", "one")).commit;
  const v2 = (await put(svc, "k", "two")).commit;
  const head = () => svc.snapshot({ repo: "r", branch: "main" });
  const first = live(svc, head(), "k", v1);
  await svc.setObjectTags(main, "k", first, [["n", "1"]]);
  await svc.setObjectTags(main, "k", live(svc, head(), "k", v2), [["n", "2"]]);
  expect(indexSize(svc)).toBe(2);
  await svc.deleteObjects(main, [{ key: "k", version: v1 }]);
  expect(indexSize(svc)).toBe(1);
  expect(live(svc, head(), "k").tags).toEqual([["n", "2"]]);
  // a retag that raced the purge (it found the version before the purge landed) finds it gone
  await expect(svc.setObjectTags(main, "k", first, [["n", "late"]])).rejects.toThrow("deleted for good");
  expect(indexSize(svc)).toBe(1);
  await svc.close();
});
