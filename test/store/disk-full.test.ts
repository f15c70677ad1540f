// A disk that fills up under the store (a real tmpfs, filled to its last byte): every write that can't land fails
// with DiskFullError and changes nothing on disk, reads go on, no acknowledged write is lost, nothing torn breaks
// the next open, and writes work again as soon as space is freed, without reopening the store.
import { expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { openService, sha256Hex } from "../helpers/repo.ts";
import { fillDisk, smallDisk } from "../helpers/tmpfs.ts";
import { DiskFullError } from "../../src/util/unavailable.ts";
import { DiskSpace } from "../../src/store/disk-space.ts";
import { RefJournal } from "../../src/store/ref-journal.ts";

const disk = smallDisk(8);

test.skipIf(!disk.dir)("ENOSPC in pack and journal writes: DiskFullError, reads go on, acknowledged writes kept, writes resume once space is back", async () => {
  const dataDir = path.join(disk.dir!, "enospc");
  // The reserve check is blinded (it always sees room), so the writes really meet ENOSPC in the pack and journal.
  let svc = openService(dataDir, { freeSpace: () => Infinity, diskReserve: 0 });
  const acked = new Map<string, string>();
  const put = async (key: string, size: number) => {
    const bytes = randomBytes(size);
    await svc.putObject("r", "master", key, bytes);
    acked.set(key, sha256Hex(bytes));
  };
  await svc.createRepo("r");
  await svc.createBranch("r", "master");
  for (let i = 0; i < 4; i++) await put(`before-${i}`, 200_000);

  const ballast = fillDisk(disk.dir!);
  const attempts = await Promise.allSettled([put("full-0", 300_000), put("full-1", 1_500_000), put("full-2", 50)]);
  const failures = attempts.filter((a) => a.status === "rejected").map((a) => (a as PromiseRejectedResult).reason);
  expect(failures.length).toBeGreaterThan(0);
  for (const err of failures) expect(err).toBeInstanceOf(DiskFullError);
  // A further write fails the same way (nothing is stuck read-only), and reads of acknowledged objects go on.
  await expect(put("full-3", 400_000)).rejects.toBeInstanceOf(DiskFullError);
  for (const [key, sha] of acked) expect(sha256Hex((await svc.getObject("r", "master", key))!)).toBe(sha);

  fs.rmSync(ballast);
  await put("after", 300_000);
  for (const [key, sha] of acked) expect(sha256Hex((await svc.getObject("r", "master", key))!)).toBe(sha);
  await svc.close();

  // The next open finds nothing torn: every acknowledged object reads back byte for byte.
  svc = openService(dataDir);
  try {
    for (const [key, sha] of acked) expect(sha256Hex((await svc.getObject("r", "master", key))!)).toBe(sha);
    const report = await svc.fsck();
    expect(report.ok).toBe(true);
  } finally {
    await svc.close();
  }
});

test.skipIf(!disk.dir)("ENOSPC in a journal write: the journal is cut back to its last record, the batch written again once space is back", async () => {
  const dataDir = path.join(disk.dir!, "journal");
  fs.mkdirSync(dataDir);
  let journal = new RefJournal(dataDir);
  journal.stage([{ key: "k/before", value: { n: 1 } }]);
  await journal.write(journal.take());
  const size = fs.statSync(path.join(dataDir, "refs.journal")).size;

  const ballast = fillDisk(disk.dir!);
  // Far more than the last page's slack, so the write must fail partway.
  journal.stage([{ key: "k/big", value: "x".repeat(256 * 1024) }]);
  const batch = journal.take();
  await expect(journal.write(batch)).rejects.toBeInstanceOf(DiskFullError);
  expect(fs.statSync(path.join(dataDir, "refs.journal")).size).toBe(size); // no torn record left behind
  expect(journal.get("k/big", "durable")).toBeUndefined();
  expect(journal.get("k/big", "latest")).toBeDefined();

  fs.rmSync(ballast);
  journal.requeue(batch);
  journal.stage([{ key: "k/after", value: { n: 2 } }]);
  await journal.write(journal.take());
  journal.close();
  journal = new RefJournal(dataDir);
  expect([journal.get("k/before", "durable"), (journal.get<string>("k/big", "durable") ?? "").length, journal.get("k/after", "durable")]).toEqual([{ n: 1 }, 256 * 1024, { n: 2 }]);
  journal.close();
});

test("the reserve: new object data is refused once it would leave less than the reserve free, with a message naming the full disk", () => {
  let free = 100 * 1024 * 1024;
  const space = new DiskSpace("/data", 64 * 1024 * 1024, () => free);
  space.admit(30 * 1024 * 1024);
  free = 70 * 1024 * 1024;
  expect(() => space.admit(10 * 1024 * 1024)).toThrow(DiskFullError);
  expect(() => space.admit(10 * 1024 * 1024)).toThrow(/disk full: 70\.0 MiB free on \/data, 64\.0 MiB kept in reserve/);
  space.admit(6 * 1024 * 1024); // what still fits above the reserve
  free = 200 * 1024 * 1024; // space freed: admitted again at once (a refusal always asks statfs afresh)
  space.admit(100 * 1024 * 1024);
});
