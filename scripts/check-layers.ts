// Checks that imports only go downward between the layers of src/ (see docs/design.md, "Layers"),
// that each third-party package stays in its home, that S3 operation modules do not import each other, and that
// nothing above repo/ reaches into its insides: RepoService's methods are the one door.
import * as fs from "node:fs";
import * as path from "node:path";

// The tree to check: src/ by default; a test points it at a fixture tree to prove each rule fails.
const SRC = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "../src"));
const RANK: Record<string, number> = { util: 0, hash: 1, store: 2, repo: 3, s3: 4, admin: 4, runtime: 1, jobs: 5, cli: 6, root: 7 };
const FORBIDDEN: Array<[string, string]> = [["s3", "store"], ["admin", "store"], ["jobs", "store"], ["s3", "admin"], ["admin", "s3"]];
const PACKAGE_HOMES: Record<string, string[]> = {
  hono: ["admin", "runtime", "jobs", "server-app.ts"],
  "fast-xml-parser": ["s3/xml.ts"],
};

/**
 * Reach-through into repo/ from above it: RepoService's internals, the commit graph, the store, tree roots, and
 * the one-letter on-disk fields of a version entry (c, t, m, s, e, p). Matched on code with comments and strings
 * removed; a property access (`x.root`, not `...root`) or a destructuring declaration.
 */
const REACH_THROUGH: Array<[RegExp, string]> = [
  [/(?<=[\w\])])\.(versions|manifests|multipart|graph|commitIndex|store|root)\b/g, "repo internals"],
  [/(?<=[\w\])])\.(c|t|m|s|e|p)\b/g, "a version entry's on-disk field"],
  // The same fields taken apart: `const { c, s } = entry`.
  [/\b(?:const|let|var)\s*\{[^}=]*?\b(?:c|t|m|s|e|p)\b\s*[,:}][^}=]*\}?\s*=/g, "a version entry's on-disk field"],
];
const BELOW_REPO = new Set(["util", "hash", "store", "repo"]);

/** Keeps line breaks, so reported line numbers stay right. */
const blank = (m: string) => m.replace(/[^\n]/g, " ");
/** Code without comments and string/template literal text (so prose and messages cannot trip the checks). */
const codeOnly = (text: string) =>
  text
    .replace(/\/\*[\s\S]*?\*\//g, blank)
    .replace(/(^|[^:\\])\/\/.*$/gm, "$1")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, blank);

const layerOf = (file: string) => {
  const rel = path.relative(SRC, file);
  return rel.includes(path.sep) ? rel.split(path.sep)[0] : "root";
};

function* walk(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (p.endsWith(".ts")) yield p;
  }
}

const problems: string[] = [];
for (const file of walk(SRC)) {
  const from = layerOf(file);
  const rel = path.relative(SRC, file);
  for (const m of fs.readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^'"]*from\s+["']([^"']+)["']/gm)) {
    const spec = m[1];
    if (spec.startsWith(".")) {
      const target = path.resolve(path.dirname(file), spec);
      const to = layerOf(target);
      if (to !== from && RANK[to] >= RANK[from]) problems.push(`${rel}: ${from} must not import ${to} (${spec})`);
      if (FORBIDDEN.some(([a, b]) => a === from && b === to)) problems.push(`${rel}: ${from} must not import ${to} (${spec})`);
      if (rel.startsWith(`s3${path.sep}ops${path.sep}`) && path.dirname(target) === path.dirname(file)) {
        problems.push(`${rel}: operation modules must not import each other (${spec})`);
      }
    } else if (!spec.startsWith("node:")) {
      const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      const homes = PACKAGE_HOMES[pkg];
      if (homes && !homes.some((h) => rel === h || rel.startsWith(h + path.sep))) problems.push(`${rel}: ${pkg} belongs in ${homes.join(", ")}`);
    }
  }
}
for (const file of walk(SRC)) {
  const from = layerOf(file);
  if (BELOW_REPO.has(from)) continue;
  const rel = path.relative(SRC, file);
  const lines = codeOnly(fs.readFileSync(file, "utf8")).split("\n");
  lines.forEach((line, i) => {
    for (const [pattern, what] of REACH_THROUGH) {
      for (const m of line.matchAll(pattern)) problems.push(`${rel}:${i + 1}: reaches into ${what} (${m[0]}); ask RepoService in repo words`);
    }
  });
}
for (const p of problems) console.error(p);
console.log(problems.length ? `${problems.length} layering problem(s)` : "layers ok");
process.exit(problems.length ? 1 : 0);
