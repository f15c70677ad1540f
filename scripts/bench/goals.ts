// The speed targets of issue 7, checked against one run's figures.
import type { PhaseName } from "./loadgen.ts";
import { metric, ratio, type MetricId, type TargetResult } from "./metrics.ts";

export type Goal =
  // subject ≥ atLeast × other target; `alsoShow`: a target whose ratio is printed beside, unjudged
  | { metric: MetricId; against: string; atLeast: number; alsoShow?: string }
  | { metric: MetricId; below: number } // subject's absolute figure < below
  // server CPU per operation of a phase: ≤ atMost × another target's in the same run, or ≤ belowMs outright
  | { cpu: PhaseName; against: string; atMost: number }
  | { cpu: PhaseName; belowMs: number };

// PUT goals are judged against the ceiling as the issue defines it (no fsync); the ratio against
// ceiling-fsync, which acknowledges a write only once it is durable as Strata does, is shown too.

export const ISSUE_7_GOALS: Goal[] = [
  { metric: "smallPut", against: "s3rver", atLeast: 10 },
  { metric: "smallGet", against: "s3rver", atLeast: 10 },
  { metric: "smallPut", against: "ceiling", atLeast: 0.5, alsoShow: "ceiling-fsync" },
  { metric: "smallGet", against: "ceiling", atLeast: 0.5 },
  { metric: "largePut", against: "ceiling", atLeast: 0.8, alsoShow: "ceiling-fsync" },
  { metric: "largeGet", against: "ceiling", atLeast: 0.8 },
  { metric: "list", against: "s3rver", atLeast: 20 },
  { metric: "startupMs", below: 150 },
  { metric: "idleRss", below: 80 },
];

// Issue 20 (edge boxes): server CPU per operation (steady on a shared machine, unlike rates) and memory.
export const ISSUE_20_GOALS: Goal[] = [
  { cpu: "largeGet", against: "ceiling", atMost: 2 },
  { cpu: "largePut", belowMs: 140 },
  { metric: "largePut", against: "ceiling-fsync", atLeast: 0.8 },
  { cpu: "smallGet", against: "ceiling", atMost: 1.6 },
  { cpu: "smallHead", against: "ceiling", atMost: 1.6 },
  { metric: "idleRss", below: 50 },
  { metric: "peakRss", below: 150 },
];

export interface GoalCheck {
  goal: string;
  /** The ratio or absolute figure the goal was judged on. */
  value?: number;
  verdict: "PASS" | "MISS" | "n/a";
  why?: string;
  /** For information only: the subject's ratio to the goal's `alsoShow` target. */
  alsoShown?: { against: string; value?: number };
}

export function describeGoal(g: Goal): string {
  if ("cpu" in g) {
    const label = metric(g.cpu).label;
    return "atMost" in g ? `server CPU of ${label} ≤ ${g.atMost}× ${g.against}'s` : `server CPU of ${label} ≤ ${g.belowMs} ms`;
  }
  const m = metric(g.metric);
  return "against" in g ? `${m.label} ≥ ${g.atLeast}× ${g.against}` : `${m.label} < ${g.below} ${m.unit}`;
}

function judge(g: Goal, subject: string, byName: Map<string, TargetResult>): GoalCheck {
  const goal = describeGoal(g);
  const s = byName.get(subject);
  if (!s || s.skipped) return { goal, verdict: "n/a", why: `${subject} was not run` };
  const errors = (s.phases as Record<string, { errors: number } | undefined> | undefined)?.["cpu" in g ? g.cpu : g.metric]?.errors ?? 0;
  if (errors > 0) return { goal, verdict: "MISS", why: `${errors} failed requests in that phase` };
  if ("cpu" in g) return judgeCpu(g, s, byName);
  if ("against" in g) {
    const value = ratio(g.metric, s, byName.get(g.against));
    if (value === undefined) return { goal, verdict: "n/a", why: `no figure for ${subject} or ${g.against}` };
    return { goal, value, verdict: value >= g.atLeast ? "PASS" : "MISS" };
  }
  const value = metric(g.metric).value(s);
  if (value === undefined) return { goal, verdict: "n/a", why: `no figure for ${subject}` };
  return { goal, value, verdict: value < g.below ? "PASS" : "MISS" };
}

/** A CPU goal: the subject's server CPU per op (µs) against another target's, or against a bound in ms. */
function judgeCpu(g: Extract<Goal, { cpu: PhaseName }>, s: TargetResult, byName: Map<string, TargetResult>): GoalCheck {
  const goal = describeGoal(g);
  const mine = s.serverCpuUsPerOp?.[g.cpu];
  if (mine === undefined) return { goal, verdict: "n/a", why: `no server CPU figure for ${s.name}` };
  if ("belowMs" in g) return { goal, value: mine / 1000, verdict: mine / 1000 <= g.belowMs ? "PASS" : "MISS" };
  const theirs = byName.get(g.against)?.serverCpuUsPerOp?.[g.cpu];
  if (!theirs) return { goal, verdict: "n/a", why: `no server CPU figure for ${g.against}` };
  return { goal, value: mine / theirs, verdict: mine / theirs <= g.atMost ? "PASS" : "MISS" };
}

export function checkGoals(goals: Goal[], results: TargetResult[], subject: string): GoalCheck[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  return goals.map((g) => {
    const check = judge(g, subject, byName);
    if (!("alsoShow" in g) || g.alsoShow === undefined) return check;
    return { ...check, alsoShown: { against: g.alsoShow, value: ratio(g.metric, byName.get(subject), byName.get(g.alsoShow)) } };
  });
}
