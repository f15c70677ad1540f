import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DataDirError } from "../../src/store/data-dir.ts";
import { Store } from "../../src/store/store.ts";
import { tmpDir } from "../helpers/tmp-dir.ts";

const OPEN_SCRIPT = path.join(import.meta.dir, "open-store.ts");

describe("store", () => {
  test("a second process on a locked data dir fails with a message naming the owner", async () => {
    const dir = tmpDir();
    const store = Store.open(dir);
    const child = spawnSync(process.execPath, [OPEN_SCRIPT, dir], { encoding: "utf8" });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain(`in use by another Strata process (pid ${process.pid})`);
    await store.close();
    const after = spawnSync(process.execPath, [OPEN_SCRIPT, dir], { encoding: "utf8" });
    expect(after.stdout.trim()).toBe("opened");
  });

  test("a lock left by a dead process is taken over", async () => {
    const dir = tmpDir();
    await Store.open(dir).close();
    fs.writeFileSync(path.join(dir, "LOCK"), "999999999\n");
    const store = Store.open(dir);
    await store.close();
  });

  test("a non-empty directory that is not a data dir is refused", () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, "notes.txt"), "mine");
    expect(() => Store.open(dir)).toThrow(DataDirError);
  });

  test("concurrent commits share fsyncs and each sees its own refs durable", async () => {
    const dir = tmpDir();
    const store = Store.open(dir);
    const before = store.blobs.stats().syncs + store.refs.stats().syncs;
    await Promise.all(
      Array.from({ length: 32 }, async (_, i) => {
        const hash = store.blobs.put("chunk", new Uint8Array([i, 1, 2]));
        await store.commit([{ key: `k/${i}`, value: hash }]);
        expect(store.refs.get(`k/${i}`, "durable")).toBe(hash);
      }),
    );
    const syncs = store.blobs.stats().syncs + store.refs.stats().syncs - before;
    expect(syncs).toBeLessThanOrEqual(4); // one or two group flushes of (blobs, refs), not 64
    await store.close();
  });
});
