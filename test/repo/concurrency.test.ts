import { expect, test } from "bun:test";
import { decode, openService, text } from "../helpers/repo.ts";

test("64 concurrent writers on one branch produce a linear log holding every write", async () => {
  const svc = openService();
  await svc.versions.createBranch("r", "main");
  const results = await Promise.all(
    Array.from({ length: 64 }, (_, i) => svc.putObject("r", "main", `writer-${i}`, text(`body of ${i}`))),
  );
  const log = [...svc.versions.log("r", "main")];
  expect(log.length).toBe(64);
  expect(new Set(log.map((c) => c.id))).toEqual(new Set(results.map((r) => r.commit)));
  log.forEach((c, i) => {
    expect(c.gen).toBe(63 - i);
    expect(c.parent).toBe(i + 1 < log.length ? log[i + 1].id : null);
  });
  // Each commit holds its own write and every earlier one: no write was built on a stale head.
  for (const c of log) expect(svc.versions.objects.count(c.root)).toBe(c.gen + 1);
  for (let i = 0; i < 64; i++) expect(decode(await svc.getObject("r", "main", `writer-${i}`))).toBe(`body of ${i}`);
  const syncs = svc.store.refs.stats().syncs;
  expect(syncs).toBeLessThan(64); // group commit: writers shared journal fsyncs
  await svc.close();
});
