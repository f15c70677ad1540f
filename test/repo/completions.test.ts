// Completed multipart uploads are remembered (so a retried complete gets the first answer), within bounds: at most
// COMPLETIONS.perBranch per branch, for COMPLETIONS.keepMs (gc forgets older ones), and never past their branch.
import { afterEach, expect, test } from "bun:test";
import { COMPLETIONS, stalledUploadRemovals } from "../../src/repo/multipart.ts";
import type { RepoService } from "../../src/repo/service.ts";
import { openService } from "../helpers/repo.ts";

const saved = { ...COMPLETIONS };
afterEach(() => Object.assign(COMPLETIONS, saved));

const main = { repo: "r", branch: "main" };

async function completed(svc: RepoService, key: string) {
  const id = await svc.createUpload(main, key, { description: {} });
  await svc.putPart(main, id, 1, await svc.ingest(new Response(`bytes of ${key}`).body), "sha256");
  const parts = svc.parts(id);
  const answer = await svc.completeUpload(main, svc.upload(main, id), parts, "sha256", undefined);
  return { id, parts, answer };
}

const recorded = (svc: RepoService) => svc.store.refs.list("completed/", "latest").map(([k]) => k);

test("a completion answers its retries until newer ones push it out of the branch's bound", async () => {
  COMPLETIONS.perBranch = 3;
  const svc = openService();
  await svc.createBranch("r", "main");
  const done = [];
  for (let i = 0; i < 5; i++) done.push(await completed(svc, `k${i}`));
  expect(recorded(svc)).toHaveLength(3);
  const again = await Promise.all(done.map((d, i) => svc.completedUpload(main, d.id, `k${i}`, d.parts)));
  expect(again).toEqual([undefined, undefined, done[2].answer, done[3].answer, done[4].answer]);
  expect(done[4].answer.version).toMatch(/^[0-9a-f]{32}$/);
  await svc.close();
});

test("gc forgets completions older than COMPLETIONS.keepMs; deleting the branch forgets its own", async () => {
  const svc = openService();
  await svc.createBranch("r", "main");
  await svc.createBranch("r", "dev");
  const { id } = await completed(svc, "k");
  expect(stalledUploadRemovals(svc.store.refs, 0).changes).toEqual([]);
  expect(stalledUploadRemovals(svc.store.refs, 0, Date.now() + COMPLETIONS.keepMs + 1000).changes).toEqual([{ key: `completed/r/main/${id}`, value: null }]);
  await svc.deleteBranch("r", "dev");
  expect(recorded(svc)).toEqual([`completed/r/main/${id}`]);
  await svc.deleteBranch("r", "main", { keepEmptyRepo: true });
  expect(recorded(svc)).toEqual([]);
  await svc.close();
});
