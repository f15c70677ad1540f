// Everything a data dir holds is the server's alone (the journal holds token hashes): every file the store
// creates is 0600 and every directory 0700, whatever the umask lets through, and a data dir made by someone else
// is closed on open.
import { afterEach, beforeEach, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { Store } from "../../src/store/store.ts";
import { tmpDir } from "../helpers/tmp-dir.ts";

let umask = 0;
beforeEach(() => {
  umask = process.umask(0); // the most permissive umask: any mode the store leaves to it would show
});
afterEach(() => process.umask(umask));

/** Every path under `dir` (itself included) with its permission bits. */
function modes(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [[".", (fs.statSync(dir).mode & 0o777).toString(8)]];
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    out.push([name, (fs.statSync(path.join(dir, name)).mode & 0o777).toString(8)]);
  }
  return out;
}

const expected = (dir: string): Array<[string, string]> => modes(dir).map(([name]) => [name, fs.statSync(path.join(dir, name)).isDirectory() ? "700" : "600"]);

test("packs, pack indexes, the journal (also compacted), FORMAT and LOCK are 0600; the dirs 0700", async () => {
  const dir = path.join(tmpDir(), "new", "data");
  const store = Store.open(dir, { packLimit: 4096, journalCompactBytes: 4096 });
  for (let i = 0; i < 64; i++) {
    store.blobs.put("chunk", new TextEncoder().encode(`blob ${i} `.repeat(40)));
    await store.commit([{ key: "token/abc", value: { user: "admin", n: i, label: "x".repeat(200) } }]); // one ref rewritten: compactions
  }
  expect(store.refs.stats().compactions).toBeGreaterThan(0);
  const files = modes(dir).map(([name]) => name);
  expect(files).toEqual(expect.arrayContaining(["FORMAT", "LOCK", "refs.journal", "packs"]));
  expect(files.some((n) => n.endsWith(".idx"))).toBe(true);
  expect(modes(dir)).toEqual(expected(dir));
  await store.close();
});

test("an existing data dir someone made 0755 is closed to 0700 on open", async () => {
  const dir = path.join(tmpDir(), "mine");
  fs.mkdirSync(dir, { mode: 0o755 });
  await Store.open(dir).close();
  expect(modes(dir)).toEqual(expected(dir));
});
