// `npm run build:release`: self-contained binaries for every platform Bun can target, into dist/, with a
// SHA256SUMS file (the format `sha256sum -c` reads). The target runtimes come from the npm registry, so this
// cross-compiles from any machine. Each binary knows its version, commit and target (`strata --version`).
// A binary for this machine is built first and run once (a start and a few requests) to record which functions a
// server runs first: every binary is then built with that bytecode laid out first (see bytecodeOrder).
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
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

const HOST_TARGET = `bun-${process.platform}-${process.arch}`;

/** Compiles src/main.ts for one target, its bytecode laid out by `order` when given; returns the binary's path. */
export function buildBinary(target: string, outfile: string, commit = gitCommit(), order?: string): string {
  execFileSync(
    process.execPath,
    [
      // --bytecode: the sources ship compiled to JSC bytecode, not parsed at every start: it halved the server's
      // CPU from spawn to first answer (~165 to ~75 ms; docs/benchmarks.md, "Start-up").
      // The distributed store's synchronous-call worker is a module of its own (src/store/sync-bridge.ts): a second
      // entry point, which the binary starts by its path inside the binary (relative to src/, the entries' root).
      "build", path.join(ROOT, "src/main.ts"), path.join(ROOT, "src/store/sync-bridge-worker.ts"), "--compile", "--bytecode", `--target=${target}`, "--outfile", outfile,
      ...(order ? [`--bytecode-order=${order}`] : []),
      "--define", `process.env.STRATA_BUILD_COMMIT=${JSON.stringify(commit)}`,
      "--define", `process.env.STRATA_BUILD_TARGET=${JSON.stringify(target)}`,
      "--define", `process.env.STRATA_SYNC_BRIDGE_WORKER=${JSON.stringify("./store/sync-bridge-worker.ts")}`,
    ],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
  );
  return outfile;
}

/**
 * Runs `binary` (this machine's) as a server on an empty data dir through a start and the requests an idle server
 * and a small upload see, with Bun recording the order in which functions first ran (BUN_BYTECODE_ORDER_OUT), and
 * returns the record's path. A binary built with it (--bytecode-order) keeps that bytecode together, so a server
 * touches ~2.4 MB fewer pages of it (idle RSS; docs/benchmarks.md, "Idle RSS"). The order names functions, not
 * machine code: one record serves every target. The record and the server's data go in `work`.
 */
export async function bytecodeOrder(binary: string, work: string): Promise<string> {
  const order = path.join(work, "bytecode-order.txt");
  const server = spawn(binary, ["serve", "--port", "0", "--data-dir", path.join(work, "data"), "--quiet"], {
    env: { ...process.env, BUN_BYTECODE_ORDER_OUT: order },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => server.once("exit", resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = "";
      server.stderr!.on("data", (d) => {
        err += d;
        const listening = /listening on (http:\/\/\S+)/.exec(err);
        if (listening) resolve(listening[1]);
      });
      void exited.then((code) => reject(new Error(`${binary} serve exited (${code}) before listening:\n${err}`)));
    });
    const bucket = `${url}/bytecode-order`;
    for (const [method, target, body] of [["GET", url], ["PUT", bucket], ["PUT", `${bucket}/a.txt`, "order"], ["GET", `${bucket}/a.txt`], ["HEAD", `${bucket}/a.txt`], ["GET", `${bucket}?list-type=2`]] as const) {
      const res = await fetch(target, { method, body });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${method} ${target} answered ${res.status} while recording the bytecode order`);
    }
  } finally {
    server.kill("SIGTERM");
    await exited;
  }
  if (!fs.existsSync(order)) throw new Error(`${binary} wrote no bytecode order (BUN_BYTECODE_ORDER_OUT)`);
  return order;
}

function sha256File(file: string): string {
  const h = createHash("sha256");
  const fd = fs.openSync(file, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  fs.closeSync(fd);
  return h.digest("hex");
}

/** Builds this machine's binary once, records the bytecode order with it, and hands the record to `build`. */
async function withBytecodeOrder(commit: string, build: (order: string) => void): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "strata-order-"));
  try {
    build(await bytecodeOrder(buildBinary(HOST_TARGET, path.join(work, "strata"), commit), work));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main && process.argv[2] === "--host") {
  // `npm run build`: one binary for this machine, dist/strata.
  fs.mkdirSync(DIST, { recursive: true });
  const commit = gitCommit();
  await withBytecodeOrder(commit, (order) => buildBinary(HOST_TARGET, path.join(DIST, "strata"), commit, order));
} else if (import.meta.main) {
  const only = process.argv.slice(2);
  const targets = only.length ? RELEASE_TARGETS.filter((t) => only.includes(t.target) || only.includes(t.file)) : RELEASE_TARGETS;
  execFileSync(process.execPath, [path.join(ROOT, "scripts/build-wasm.ts"), "--check"], { cwd: ROOT, stdio: "inherit" });
  fs.mkdirSync(DIST, { recursive: true });
  const commit = gitCommit();
  const sums: string[] = [];
  await withBytecodeOrder(commit, (order) => {
    for (const { target, file } of targets) {
      const out = buildBinary(target, path.join(DIST, file), commit, order);
      const sum = sha256File(out);
      sums.push(`${sum}  ${file}`);
      console.log(`${file.padEnd(26)} ${(fs.statSync(out).size / 1e6).toFixed(1).padStart(6)} MB  ${sum}`);
    }
  });
  fs.writeFileSync(path.join(DIST, "SHA256SUMS"), sums.join("\n") + "\n");
  console.log(`strata ${VERSION} (commit ${commit}): ${targets.length} binaries and SHA256SUMS in dist/`);
}
