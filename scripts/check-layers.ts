// Checks that imports only go downward between the layers of src/ (see README "Layers"),
// that each third-party package stays in its home, and that S3 operation modules do not import each other.
import * as fs from "node:fs";
import * as path from "node:path";

const SRC = path.resolve(import.meta.dirname, "../src");
const RANK: Record<string, number> = { util: 0, hash: 1, store: 2, repo: 3, s3: 4, admin: 4, runtime: 1, cli: 6, root: 7 };
const FORBIDDEN: Array<[string, string]> = [["s3", "store"], ["admin", "store"], ["s3", "admin"], ["admin", "s3"]];
const PACKAGE_HOMES: Record<string, string[]> = {
  hono: ["admin", "runtime"],
  "fast-xml-parser": ["s3/xml.ts"],
};

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
for (const p of problems) console.error(p);
console.log(problems.length ? `${problems.length} layering problem(s)` : "layers ok");
process.exit(problems.length ? 1 : 0);
