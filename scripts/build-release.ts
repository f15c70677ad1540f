// `npm run build:release`: self-contained binaries for every platform Bun can target, into dist/, with a
// SHA256SUMS file (the format `sha256sum -c` reads). The target runtimes come from the npm registry, so this
// cross-compiles from any machine. Each binary knows its version, commit and target (`strata --version`).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { VERSION } from "../src/version.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIST = path.join(ROOT, "dist");

/** Bun's compile targets and the file name each binary gets. */
export const RELEASE_TARGETS: Array<{ target: string; file: string }> = [
  { target: "bun-linux-x64", file: "strata-linux-x64" },
  { target: "bun-linux-x64-musl", file: "strata-linux-x64-musl" },
  { target: "bun-linux-arm64", file: "strata-linux-arm64" },
  { target: "bun-linux-arm64-musl", file: "strata-linux-arm64-musl" },
  { target: "bun-darwin-arm64", file: "strata-darwin-arm64" },
  { target: "bun-darwin-x64", file: "strata-darwin-x64" },
  { target: "bun-windows-x64", file: "strata-windows-x64.exe" },
];

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** Compiles src/main.ts for one target; returns the binary's path. */
export function buildBinary(target: string, outfile: string, commit = gitCommit()): string {
  execFileSync(
    process.execPath,
    [
      // --bytecode: the sources ship compiled to JSC bytecode, not parsed at every start: it halved the server's
      // CPU from spawn to first answer (~165 to ~75 ms; docs/benchmarks.md, "Start-up").
      // The distributed store's synchronous-call worker is a module of its own (src/store/sync-bridge.ts): a second
      // entry point, which the binary starts by its path inside the binary (relative to src/, the entries' root).
      "build", path.join(ROOT, "src/main.ts"), path.join(ROOT, "src/store/sync-bridge-worker.ts"), "--compile", "--bytecode", `--target=${target}`, "--outfile", outfile,
      "--define", `process.env.STRATA_BUILD_COMMIT=${JSON.stringify(commit)}`,
      "--define", `process.env.STRATA_BUILD_TARGET=${JSON.stringify(target)}`,
      "--define", `process.env.STRATA_SYNC_BRIDGE_WORKER=${JSON.stringify("./store/sync-bridge-worker.ts")}`,
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
  );
  return outfile;
}

function sha256File(file: string): string {
  const h = createHash("sha256");
  const fd = fs.openSync(file, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  fs.closeSync(fd);
  return h.digest("hex");
}

if (import.meta.main && process.argv[2] === "--host") {
  // `npm run build`: one binary for this machine, dist/strata.
  fs.mkdirSync(DIST, { recursive: true });
  buildBinary(`bun-${process.platform}-${process.arch}`, path.join(DIST, "strata"));
} else if (import.meta.main) {
  const only = process.argv.slice(2);
  const targets = only.length ? RELEASE_TARGETS.filter((t) => only.includes(t.target) || only.includes(t.file)) : RELEASE_TARGETS;
  execFileSync(process.execPath, [path.join(ROOT, "scripts/build-wasm.ts"), "--check"], { cwd: ROOT, stdio: "inherit" });
  fs.mkdirSync(DIST, { recursive: true });
  const commit = gitCommit();
  const sums: string[] = [];
  for (const { target, file } of targets) {
    const out = buildBinary(target, path.join(DIST, file), commit);
    const sum = sha256File(out);
    sums.push(`${sum}  ${file}`);
    console.log(`${file.padEnd(26)} ${(fs.statSync(out).size / 1e6).toFixed(1).padStart(6)} MB  ${sum}`);
  }
  fs.writeFileSync(path.join(DIST, "SHA256SUMS"), sums.join("\n") + "\n");
  console.log(`strata ${VERSION} (commit ${commit}): ${targets.length} binaries and SHA256SUMS in dist/`);
}
