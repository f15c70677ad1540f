// Goal verdicts and ratios computed from made-up results.
import { expect, test } from "bun:test";
import { checkGoals, type Goal } from "../../scripts/bench/goals.ts";
import type { PhaseResult } from "../../scripts/bench/loadgen.ts";
import { ratio, type TargetResult } from "../../scripts/bench/metrics.ts";
import { fullReport } from "../../scripts/bench/report.ts";

const phase = (opsPerSec: number, errors = 0): PhaseResult => ({ ops: 10, errors, seconds: 1, opsPerSec, bytesPerSec: opsPerSec * 4096 });
const target = (name: string, putOps: number, extra: Partial<TargetResult> = {}): TargetResult => ({
  name,
  config: `${name} config`,
  phases: { smallPut: phase(putOps) },
  ...extra,
});

const goals: Goal[] = [
  { metric: "smallPut", against: "peer", atLeast: 10 },
  { metric: "startupMs", below: 150 },
];

test("ratio divides the subject's figure by the other's", () => {
  expect(ratio("smallPut", target("a", 3000), target("b", 200))).toBe(15);
  expect(ratio("smallPut", target("a", 3000), target("b", 0, { phases: {} }))).toBeUndefined();
});

test("a goal passes at its threshold and misses below it", () => {
  const pass = checkGoals(goals, [target("s", 1000, { startupMs: 149 }), target("peer", 100)], "s");
  expect(pass.map((c) => c.verdict)).toEqual(["PASS", "PASS"]);
  expect(pass[0].value).toBe(10);
  const miss = checkGoals(goals, [target("s", 999, { startupMs: 150 }), target("peer", 100)], "s");
  expect(miss.map((c) => c.verdict)).toEqual(["MISS", "MISS"]);
});

test("a phase with failed requests never passes", () => {
  const s = target("s", 5000);
  s.phases!.smallPut = phase(5000, 3);
  const [put] = checkGoals(goals, [s, target("peer", 100)], "s");
  expect(put.verdict).toBe("MISS");
  expect(put.why).toContain("3 failed");
});

test("goals are n/a when the subject or the peer did not run", () => {
  const skipped = checkGoals(goals, [target("s", 1000, { skipped: "no binary" }), target("peer", 100)], "s");
  expect(skipped.map((c) => c.verdict)).toEqual(["n/a", "n/a"]);
  const noPeer = checkGoals(goals, [target("s", 1000, { startupMs: 10 })], "s");
  expect(noPeer.map((c) => c.verdict)).toEqual(["n/a", "PASS"]);
});

test("the report shows figures, ratios, verdicts and skip notes", () => {
  const results = [target("s", 2000, { startupMs: 12 }), target("peer", 100), target("gone", 0, { skipped: "not installed", phases: {} })];
  const text = fullReport(results, "s", checkGoals(goals, results, "s"));
  expect(text).toContain("2,000");
  expect(text).toContain("20.0×");
  expect(text).toContain("SKIPPED: not installed");
  expect(text).toMatch(/PUT 4 KiB x32 ≥ 10× peer\s+20\.0\s+PASS/);
});

test("the report shows the server's CPU per operation when it was measured", () => {
  const results = [target("s", 2000, { serverCpuUsPerOp: { smallPut: 321.4 } }), target("peer", 100)];
  const text = fullReport(results, "s", []);
  expect(text).toMatch(/server CPU per op \(µs\)\s+s\n/);
  expect(text).toMatch(/PUT 4 KiB x32\s+321\n/);
  expect(fullReport([target("s", 2000)], "s", [])).not.toContain("server CPU");
});

test("a goal's also-shown ratio is printed for information, never judged", () => {
  const withInfo: Goal[] = [{ metric: "smallPut", against: "peer", atLeast: 10, alsoShow: "durable" }];
  const results = [target("s", 1000), target("peer", 200), target("durable", 500)];
  const [check] = checkGoals(withInfo, results, "s");
  expect(check.verdict).toBe("MISS");
  expect(check.alsoShown).toEqual({ against: "durable", value: 2 });
  const text = fullReport(results, "s", [check]);
  expect(text).toMatch(/for information: ÷ durable\s+2\.00\s+\(not a goal\)/);
  expect(checkGoals(withInfo, results.slice(0, 2), "s")[0].alsoShown).toEqual({ against: "durable", value: undefined });
});

test("CPU goals judge server CPU per op against the ceiling's, or against a bound in ms", () => {
  const cpuGoals: Goal[] = [
    { cpu: "smallPut", against: "ceiling", atMost: 2 },
    { cpu: "smallPut", belowMs: 0.14 },
  ];
  const run = (mine: number) => checkGoals(cpuGoals, [target("s", 1, { serverCpuUsPerOp: { smallPut: mine } }), target("ceiling", 1, { serverCpuUsPerOp: { smallPut: 70 } })], "s");
  expect(run(140).map((c) => c.verdict)).toEqual(["PASS", "PASS"]);
  expect(run(140)[0].value).toBe(2);
  expect(run(141).map((c) => c.verdict)).toEqual(["MISS", "MISS"]);
  const noCeiling = checkGoals(cpuGoals, [target("s", 1, { serverCpuUsPerOp: { smallPut: 1 } })], "s");
  expect(noCeiling.map((c) => c.verdict)).toEqual(["n/a", "PASS"]);
});
