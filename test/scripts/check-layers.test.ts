// scripts/check-layers.ts must fail on each rule it states, not only pass on the real tree: each case writes one
// file into a fixture src/ tree and runs the script on it.
import { expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.resolve(import.meta.dirname, "../../scripts/check-layers.ts");

function check(files: Record<string, string>): { code: number; out: string } {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), "check-layers-"));
  try {
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
      fs.writeFileSync(path.join(src, rel), text);
    }
    const run = Bun.spawnSync([process.execPath, SCRIPT, src]);
    return { code: run.exitCode, out: run.stdout.toString() + run.stderr.toString() };
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
}

const failing: Array<[string, Record<string, string>, string]> = [
  ["an upward import", { "repo/a.ts": `import { x } from "../s3/b.ts";\n` }, "repo must not import s3"],
  ["a forbidden sideways import", { "s3/a.ts": `import { x } from "../store/b.ts";\n` }, "s3 must not import store"],
  ["admin importing s3", { "admin/a.ts": `import { x } from "../s3/b.ts";\n` }, "admin must not import s3"],
  ["operation modules importing each other", { "s3/ops/a.ts": `import { x } from "./b.ts";\n` }, "operation modules must not import each other"],
  ["a package outside its home", { "s3/a.ts": `import { Hono } from "hono";\n` }, "hono belongs in"],
  ["the repo's object versions", { "s3/ops/a.ts": `const v = deps.repo.versions.objects.get(key);\n` }, "s3/ops/a.ts:1: reaches into repo internals (.versions)"],
  ["the commit graph", { "admin/a.ts": `\n\nconst g = repo.graph;\n` }, "admin/a.ts:3: reaches into repo internals (.graph)"],
  ["the store", { "jobs/a.ts": `await service.store.flush();\n` }, "reaches into repo internals (.store)"],
  ["a tree root", { "s3/a.ts": `const r = state.root;\n` }, "reaches into repo internals (.root)"],
  ["a version entry's commit field", { "s3/a.ts": `const commit = entry.c;\n` }, "reaches into a version entry's on-disk field (.c)"],
  ["a version entry's fields destructured", { "s3/a.ts": `const { c, s: size } = entry;\n` }, "reaches into a version entry's on-disk field (const { c,"],
  ["a version entry's size field after a call", { "admin/a.ts": `const n = latest(key).s;\n` }, "reaches into a version entry's on-disk field (.s)"],
];

for (const [name, files, expected] of failing) {
  test(`check-layers fails on ${name}`, () => {
    const { code, out } = check(files);
    expect(out).toContain(expected);
    expect(code).toBe(1);
  });
}

test("check-layers passes code that only names those words in comments, strings, spreads or below repo/", () => {
  const { code, out } = check({
    "s3/a.ts": [
      `import { x } from "../repo/service.ts";`,
      `// entry.c and repo.graph in a comment`,
      `/* state.root */ const msg = "see repo.store and v.t";`,
      "const t = `x.versions ${1}`;",
      `const all = { ...root };`,
      `const { commit, size } = version;`,
    ].join("\n"),
    "repo/service.ts": `export const x = this.graph.root.c;\n`,
    "store/a.ts": `export const y = 1;\n`,
    "s3/ops/a.ts": `import { y } from "../a.ts";\n`,
  });
  expect(out).toContain("layers ok");
  expect(code).toBe(0);
});
