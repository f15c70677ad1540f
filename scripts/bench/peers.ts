// `npm run bench`: Strata against the servers a user would pick instead (s3rver, moto_server)
// and against a ceiling (a bare Bun file server; ceiling-fsync: the same, syncing every PUT as
// Strata does), one target at a time on this machine.
// Prints figures, ratios and the issue 7 goal verdicts, and writes them to .bench/peers.json.
//
//   bun scripts/bench/peers.ts [--targets strata,s3rver,moto,ceiling,ceiling-fsync] [--subject strata]
//                              [--endpoint name=http://127.0.0.1:PORT ...] [--quick]
//                              [--strata-bin PATH (default dist/strata, built when missing)]
//                              [--strata-args="FLAGS" (more serve flags: --strata-args="--memory-limit 256MiB")]
//                              [--seconds N] [--unsigned] [--json PATH] [--work-dir DIR]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkGoals, ISSUE_20_GOALS, ISSUE_7_GOALS } from "./goals.ts";
import { freePort, launch, timeToFirstAnswer } from "./launch.ts";
import { DEFAULT_SETTINGS, makeLargeBodies, runLoad, type LoadSettings } from "./loadgen.ts";
import type { TargetResult } from "./metrics.ts";
import { fullReport } from "./report.ts";
import { PhaseCpu } from "./cpu.ts";
import { RssSampler } from "./rss.ts";
import { BUILTIN_TARGETS, externalTarget, REPO_ROOT, type Target } from "./targets.ts";

// How long a freshly started server sits idle before its RSS counts as "idle RSS".
const IDLE_SETTLE_MS = 1000;

interface Options {
  targets: Target[];
  subject: string;
  settings: LoadSettings;
  jsonPath: string;
  workDir: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      targets: { type: "string", default: "strata,s3rver,moto,ceiling,ceiling-fsync" },
      subject: { type: "string", default: "strata" },
      "strata-bin": { type: "string" },
      "strata-args": { type: "string", default: "" },
      endpoint: { type: "string", multiple: true, default: [] },
      quick: { type: "boolean", default: false },
      unsigned: { type: "boolean", default: false },
      seconds: { type: "string" },
      json: { type: "string", default: join(REPO_ROOT, ".bench", "peers.json") },
      "work-dir": { type: "string", default: join(REPO_ROOT, ".bench") },
    },
  });
  const targets = values.targets
    .split(",")
    .filter(Boolean)
    .map((name) => {
      const make = BUILTIN_TARGETS[name];
      if (!make) throw new Error(`unknown target ${name} (known: ${Object.keys(BUILTIN_TARGETS).join(", ")})`);
      return make({ binary: values["strata-bin"] && resolve(values["strata-bin"]), args: values["strata-args"].split(/\s+/).filter(Boolean) });
    });
  for (const spec of values.endpoint) {
    const eq = spec.indexOf("=");
    if (eq < 1) throw new Error(`--endpoint wants name=url, got ${spec}`);
    targets.push(externalTarget(spec.slice(0, eq), spec.slice(eq + 1)));
  }
  // --quick: a smoke run of the whole harness in a few seconds per target, not a measurement.
  const settings: LoadSettings = values.quick
    ? { ...DEFAULT_SETTINGS, phaseSeconds: 0.5, smallMaxOps: 2000, warmupOps: 100, largeSize: 4 * 1024 * 1024, largeCount: 1, listMaxPages: 50 }
    : { ...DEFAULT_SETTINGS };
  if (values.seconds) settings.phaseSeconds = Number(values.seconds);
  // --unsigned: anonymous requests (moto then answers GET/HEAD with 403).
  if (values.unsigned) settings.sign = false;
  return { targets, subject: values.subject, settings, jsonPath: values.json, workDir: values["work-dir"] };
}

const MB = 1e6;

/** Runs every phase against one target (started here unless it is an endpoint); `onPhase` hears each phase start. */
export async function benchTarget(
  target: Target,
  settings: LoadSettings,
  largeBodies: string[],
  workDir: string,
  onPhase: (phase: string) => void = () => {},
): Promise<TargetResult> {
  const result: TargetResult = { name: target.name, config: target.config };
  const skip = await target.prepare();
  result.config = target.config;
  if (skip) return { ...result, skipped: skip };
  if (target.url) {
    result.phases = await runLoad(target.url, settings, largeBodies);
    return result;
  }
  const dataDir = join(workDir, `${target.name}-data`);
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const logPath = join(workDir, `${target.name}.log`);
  const server = launch(target.command!(port, dataDir), { logPath, cwd: workDir });
  const base = `http://127.0.0.1:${port}`;
  try {
    result.startupMs = await timeToFirstAnswer(server, `${base}/`);
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    const sampler = new RssSampler(server.pid);
    result.idleRssBytes = sampler.sample();
    sampler.peak = 0; // the peak is measured under load only
    sampler.start();
    const cpu = new PhaseCpu(server.pid);
    try {
      result.phases = await runLoad(base, settings, largeBodies, (phase) => {
        onPhase(phase);
        sampler.mark(phase);
        cpu.mark(phase);
        process.stdout.write(` ${phase}`);
      });
    } finally {
      sampler.stop();
      cpu.stop();
      result.serverCpuUsPerOp = serverCpuPerOp(cpu.microsByLabel, result.phases);
      process.stdout.write("\n");
      result.peakRssBytes = sampler.peak;
      result.peakRssBytesByPhase = sampler.peakByLabel;
    }
  } catch (e) {
    result.error = `${e instanceof Error ? e.message : String(e)} (server log: ${logPath})`;
  } finally {
    await server.stop();
  }
  return result;
}

/** The server's CPU time per operation of each phase, in µs. */
function serverCpuPerOp(micros: Record<string, number>, phases: TargetResult["phases"]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, p] of Object.entries(phases ?? {})) if (p && p.ops > 0 && micros[name] !== undefined) out[name] = micros[name] / p.ops;
  return out;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  // Not os.tmpdir(): on this machine creating a file under /tmp costs ~0.7 ms (elsewhere on the
  // same disk ~25 µs), which would make every file-per-object server look slow.
  mkdirSync(opts.workDir, { recursive: true });
  const workDir = mkdtempSync(join(opts.workDir, "run-"));
  // However the run ends (even Ctrl-C), the bulky parts go: large bodies and server data.
  process.on("exit", () => {
    if (!existsSync(workDir)) return;
    for (const entry of readdirSync(workDir)) if (!entry.endsWith(".log")) rmSync(join(workDir, entry), { recursive: true, force: true });
  });
  const results: TargetResult[] = [];
  let failed = false;
  try {
    const s = opts.settings;
    const largeBodies = await makeLargeBodies(workDir, s.largeCount, s.largeSize);
    for (const target of opts.targets) {
      process.stdout.write(`${target.name}:`);
      const r = await benchTarget(target, s, largeBodies, workDir);
      if (r.skipped) process.stdout.write(` skipped: ${r.skipped}\n`);
      else if (r.startupMs !== undefined) {
        console.log(`  start-up ${r.startupMs.toFixed(0)} ms, idle RSS ${((r.idleRssBytes ?? 0) / MB).toFixed(1)} MB`);
      }
      if (r.error) console.log(`  error: ${r.error}`);
      failed ||= !!r.error;
      results.push(r);
      rmSync(join(workDir, `${target.name}-data`), { recursive: true, force: true });
    }
  } finally {
    const checks = checkGoals([...ISSUE_7_GOALS, ...ISSUE_20_GOALS], results, opts.subject);
    console.log(`\n${fullReport(results, opts.subject, checks)}`);
    mkdirSync(dirname(opts.jsonPath), { recursive: true });
    const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, kernel: release(), bun: Bun.version };
    writeFileSync(opts.jsonPath, JSON.stringify({ date: new Date().toISOString(), machine, settings: opts.settings, subject: opts.subject, results, goals: checks }, null, 2));
    console.log(`\nwritten ${opts.jsonPath}`);
    if (failed) console.log(`server logs kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

if (import.meta.main) await main();
