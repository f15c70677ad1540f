// mapFile: a file's bytes without a copy where the runtime maps files; an empty file (which cannot be mapped)
// is read; a missing one fails as a read does.
import { expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { mapFile } from "../../src/runtime/map-file.ts";
import { tmpDir } from "../helpers/tmp-dir.ts";

test("the bytes of a file, an empty file's none; a missing file is ENOENT", () => {
  const dir = tmpDir();
  const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff);
  fs.writeFileSync(path.join(dir, "a"), bytes);
  fs.writeFileSync(path.join(dir, "empty"), "");
  expect(mapFile(path.join(dir, "a"))).toEqual(bytes);
  expect(mapFile(path.join(dir, "empty")).length).toBe(0);
  expect(() => mapFile(path.join(dir, "missing"))).toThrow(/ENOENT/);
});

test("a file replaced by a rename after mapping leaves the mapping as it was", () => {
  const dir = tmpDir();
  const file = path.join(dir, "idx");
  fs.writeFileSync(file, "first");
  const mapped = mapFile(file);
  fs.writeFileSync(`${file}.tmp`, "other");
  fs.renameSync(`${file}.tmp`, file);
  expect(new TextDecoder().decode(mapped)).toBe("first");
  expect(new TextDecoder().decode(mapFile(file))).toBe("other");
});
