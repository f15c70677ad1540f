// The servers the benchmark compares, and exactly how each is started. `prepare` finds (or
// builds) what a target needs and returns a note when it cannot run; `command` gives the argv
// for a server on `port` keeping its data in `dataDir`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export const REPO_ROOT = join(import.meta.dir, "..", "..");

export interface Target {
  name: string;
  /** What is run and how it is configured, for the report. Filled in by prepare. */
  config: string;
  /** Returns why the target cannot run, or null when it can. */
  prepare(): Promise<string | null>;
  /** argv of the server; absent for an endpoint that is already running. */
  command?(port: number, dataDir: string): string[];
  /** Base URL of an endpoint that is already running. */
  url?: string;
}

function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: "utf8", timeout: opts.timeoutMs ?? 10_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

export const DEFAULT_STRATA_BINARY = join(REPO_ROOT, "dist", "strata");

/** Strata's compiled binary (only the default one is built when missing), with `extraArgs` after its serve flags. */
export function strataTarget(binary = DEFAULT_STRATA_BINARY, extraArgs: string[] = []): Target {
  const target: Target = {
    name: "strata",
    config: "",
    async prepare() {
      if (!existsSync(binary) && binary !== DEFAULT_STRATA_BINARY) return `${binary} does not exist`;
      if (!existsSync(binary)) {
        console.log("dist/strata is missing: running `npm run build` ...");
        const built = run("npm", ["run", "build"], { cwd: REPO_ROOT, timeoutMs: 600_000 });
        if (!existsSync(binary)) {
          const why = built.out.split("\n").slice(-3).join(" | ");
          return `dist/strata is missing and \`npm run build\` did not make it (${why})`;
        }
      }
      const settings = extraArgs.length ? `${extraArgs.join(" ")}, otherwise default settings` : "default settings";
      target.config = `${relative(REPO_ROOT, binary)} serve --port P --data-dir D${extraArgs.length ? ` ${extraArgs.join(" ")}` : ""} (compiled binary, ${settings}: durable writes, auth off)`;
      return null;
    },
    command: (port, dataDir) => [binary, "serve", "--port", String(port), "--data-dir", dataDir, ...extraArgs],
  };
  return target;
}

export function s3rverTarget(): Target {
  const script = join(REPO_ROOT, "scripts", "bench", "s3rver-server.mjs");
  const target: Target = {
    name: "s3rver",
    config: "",
    async prepare() {
      const node = run("node", ["--version"]);
      if (!node.ok) return "node is not on PATH";
      const pkg = join(REPO_ROOT, "node_modules", "s3rver", "package.json");
      if (!existsSync(pkg)) return "node_modules/s3rver is missing (npm install)";
      const version = JSON.parse(readFileSync(pkg, "utf8")).version;
      target.config = `s3rver ${version} on Node ${node.out}, node --openssl-legacy-provider (DES continuation tokens), one process, filesystem store in a temp dir, silent: true, other options default (scripts/bench/s3rver-server.mjs)`;
      return null;
    },
    // s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node ≥ 17)
    // only offers through its legacy provider: without it every truncated list page is a 500.
    command: (port, dataDir) => ["node", "--openssl-legacy-provider", script, "--port", String(port), "--dir", dataDir],
  };
  return target;
}

export function motoTarget(): Target {
  let executable = "";
  const target: Target = {
    name: "moto",
    config: "",
    async prepare() {
      // pyenv's shim would add a bash start-up to moto's time; run the real entry point.
      const viaPyenv = run("pyenv", ["which", "moto_server"]);
      executable = viaPyenv.ok ? viaPyenv.out : run("sh", ["-c", "command -v moto_server"]).out;
      if (!executable || !existsSync(executable)) return "moto_server is not installed";
      const python = join(dirname(executable), "python");
      const versions = run(existsSync(python) ? python : "python3", ["-c", "import moto, sys; print(moto.__version__, sys.version.split()[0])"]);
      const [moto, py] = versions.out.split(" ");
      target.config = `moto_server ${moto} (Python ${py}, Werkzeug threaded dev server, in-memory store) -H 127.0.0.1 -p P, defaults`;
      return null;
    },
    command: (port) => [executable, "-H", "127.0.0.1", "-p", String(port)],
  };
  return target;
}

/** The bare Bun file server; with `fsync`, the `ceiling-fsync` variant that syncs every PUT. */
export function ceilingTarget({ fsync = false } = {}): Target {
  const script = join(REPO_ROOT, "scripts", "bench", "ceiling-server.ts");
  const durability = fsync ? "fdatasync of each PUT's file before it is answered (--fsync)" : "no fsync";
  return {
    name: fsync ? "ceiling-fsync" : "ceiling",
    config: `Bun ${Bun.version} Bun.serve streaming bodies to/from plain files, no S3 logic, ${durability} (scripts/bench/ceiling-server.ts)`,
    prepare: async () => null,
    command: (port, dataDir) => [process.execPath, script, "--port", String(port), "--dir", dataDir, ...(fsync ? ["--fsync"] : [])],
  };
}

/** An S3 endpoint someone else runs: only the load phases apply (no start-up time, no RSS). */
export function externalTarget(name: string, url: string): Target {
  return { name, config: `external endpoint ${url}`, prepare: async () => null, url: url.replace(/\/+$/, "") };
}

/** How the strata target is started: --strata-bin and --strata-args of `npm run bench`. */
export interface StrataLaunch {
  binary?: string;
  args?: string[];
}

export const BUILTIN_TARGETS: Record<string, (strata?: StrataLaunch) => Target> = {
  strata: (strata = {}) => strataTarget(strata.binary, strata.args),
  s3rver: s3rverTarget,
  moto: motoTarget,
  ceiling: () => ceilingTarget(),
  "ceiling-fsync": () => ceilingTarget({ fsync: true }),
};
