// docs/format.md is where a newcomer looks for what is on disk: every module that writes a part of the format
// links it in its header, naming a section the document has.
import { expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DOC = fs.readFileSync(path.join(ROOT, "docs/format.md"), "utf8");
const SECTIONS = new Set([...DOC.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]));

const FORMAT_MODULES = [
  "src/store/data-dir.ts", "src/store/pack-format.ts", "src/store/pack-index.ts", "src/store/ref-journal.ts",
  "src/store/pg-meta.ts", "src/store/remote-blobs.ts", "src/repo/ref-keys.ts", "src/repo/ref-names.ts",
  "src/repo/model.ts", "src/repo/tree.ts", "src/repo/purges.ts", "src/repo/object-tags.ts",
];

for (const file of FORMAT_MODULES) {
  test(`${file} links docs/format.md and a section it has`, () => {
    const header = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n").filter((l) => l.startsWith("//")).slice(0, 10).join(" ");
    expect(header).toContain("docs/format.md");
    // the sections quoted after the link, up to the parenthesis that closes it
    const link = header.slice(header.indexOf("docs/format.md")).split(")")[0];
    const named = [...link.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    // "Versions" names "## Versions (format 4)"
    for (const section of named) expect([...SECTIONS].filter((s) => s === section || s.startsWith(`${section} (`))).toHaveLength(1);
  });
}
