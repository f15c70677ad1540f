// The speed targets of issue 7, checked against one run's figures.
import { metric, ratio, type MetricId, type TargetResult } from "./metrics.ts";

export type Goal =
  | { metric: MetricId; against: string; atLeast: number } // subject ≥ atLeast × other target
  | { metric: MetricId; below: number }; // subject's absolute figure < below

export const ISSUE_7_GOALS: Goal[] = [
  { metric: "smallPut", against: "s3rver", atLeast: 10 },
  { metric: "smallGet", against: "s3rver", atLeast: 10 },
  { metric: "smallPut", against: "ceiling", atLeast: 0.5 },
  { metric: "smallGet", against: "ceiling", atLeast: 0.5 },
  { metric: "largePut", against: "ceiling", atLeast: 0.8 },
  { metric: "largeGet", against: "ceiling", atLeast: 0.8 },
  { metric: "list", against: "s3rver", atLeast: 20 },
  { metric: "startupMs", below: 150 },
  { metric: "idleRss", below: 80 },
];

export interface GoalCheck {
  goal: string;
  /** The ratio or absolute figure the goal was judged on. */
  value?: number;
  verdict: "PASS" | "MISS" | "n/a";
  why?: string;
}

export function describeGoal(g: Goal): string {
  const m = metric(g.metric);
  return "against" in g ? `${m.label} ≥ ${g.atLeast}× ${g.against}` : `${m.label} < ${g.below} ${m.unit}`;
}

export function checkGoals(goals: Goal[], results: TargetResult[], subject: string): GoalCheck[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  const s = byName.get(subject);
  return goals.map((g) => {
    const goal = describeGoal(g);
    if (!s || s.skipped) return { goal, verdict: "n/a", why: `${subject} was not run` };
    const errors = (s.phases as Record<string, { errors: number } | undefined> | undefined)?.[g.metric]?.errors ?? 0;
    if (errors > 0) return { goal, verdict: "MISS", why: `${errors} failed requests in that phase` };
    if ("against" in g) {
      const value = ratio(g.metric, s, byName.get(g.against));
      if (value === undefined) return { goal, verdict: "n/a", why: `no figure for ${subject} or ${g.against}` };
      return { goal, value, verdict: value >= g.atLeast ? "PASS" : "MISS" };
    }
    const value = metric(g.metric).value(s);
    if (value === undefined) return { goal, verdict: "n/a", why: `no figure for ${subject}` };
    return { goal, value, verdict: value < g.below ? "PASS" : "MISS" };
  });
}
