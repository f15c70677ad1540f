// A repo's logical size (src/repo/sizes.ts): the bytes its branches show, each version once; a purge or a delete
// takes bytes away, a branch adds only what it changed, and more than one page of keys is counted.
import { expect, test } from "bun:test";
import { openService, text } from "../helpers/repo.ts";

test("branches sharing versions count them once; a branch adds what it changed; deletes and purges take bytes away", async () => {
  const svc = openService();
  await svc.versions.createBranch("r", "master");
  expect(svc.logicalBytes("r")).toBe(0);
  await svc.putObject("r", "master", "a.txt", text("12345"));
  const ten = (await svc.putObject("r", "master", "b.txt", text("0123456789"))).commit;
  expect(svc.logicalBytes("r")).toBe(15);
  await svc.createBranch("r", "dev", { branch: "master" });
  expect(svc.logicalBytes("r")).toBe(15); // dev shows the very same versions
  await svc.putObject("r", "dev", "a.txt", text("1234567"));
  expect(svc.logicalBytes("r")).toBe(15 + 7); // master's a.txt (5) and dev's (7), b.txt once
  await svc.putObject("r", "dev", "a.txt", text("12345"));
  expect(svc.logicalBytes("r")).toBe(15 + 5); // same bytes, but another version: a repo's size is what it keeps
  await svc.deleteObjects({ repo: "r", branch: "dev" }, [{ key: "a.txt" }]);
  expect(svc.logicalBytes("r")).toBe(15);
  await svc.deleteObjects({ repo: "r", branch: "master" }, [{ key: "b.txt", version: ten }]);
  expect(svc.logicalBytes("r")).toBe(5); // purged for good: no branch shows it, dev included
  await svc.close();
});

test("every page of keys is counted (the walk lists 1000 at a time)", async () => {
  const svc = openService();
  await svc.versions.createBranch("r", "master");
  await svc.versions.startCommit("r", "master");
  for (let i = 0; i < 1001; i++) await svc.putObject("r", "master", `k/${String(i).padStart(5, "0")}`, text("xy"));
  await svc.versions.finishCommit("r", "master");
  expect(svc.logicalBytes("r")).toBe(2002);
  await svc.close();
}, 30_000);
