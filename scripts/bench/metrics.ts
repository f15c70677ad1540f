// What one target's run produced, and the figures the report and the goals read from it.
import type { LoadResult, PhaseName } from "./loadgen.ts";

export interface TargetResult {
  name: string;
  config: string;
  /** Why the target was not run at all. */
  skipped?: string;
  /** What broke the run part-way (the figures measured before it still count). */
  error?: string;
  startupMs?: number;
  idleRssBytes?: number;
  peakRssBytes?: number;
  peakRssBytesByPhase?: Record<string, number>;
  phases?: Partial<LoadResult>;
  /** CPU time (user + system, all threads of the server's process tree) per operation of each phase, in µs. */
  serverCpuUsPerOp?: Partial<Record<PhaseName, number>>;
}

export type MetricId = "startupMs" | "idleRss" | "peakRss" | PhaseName;

export interface Metric {
  id: MetricId;
  label: string;
  unit: string;
  better: "higher" | "lower";
  value(r: TargetResult): number | undefined;
}

const MB = 1e6;

function phaseMetric(id: PhaseName, label: string, unit: string, pick: (ops: number, bytes: number) => number): Metric {
  return {
    id,
    label,
    unit,
    better: "higher",
    value(r) {
      const p = r.phases?.[id];
      return p && p.ops > 0 ? pick(p.opsPerSec, p.bytesPerSec) : undefined;
    },
  };
}

export const METRICS: Metric[] = [
  phaseMetric("smallPut", "PUT 4 KiB x32", "ops/s", (ops) => ops),
  phaseMetric("smallGet", "GET 4 KiB x32", "ops/s", (ops) => ops),
  phaseMetric("smallHead", "HEAD 4 KiB x32", "ops/s", (ops) => ops),
  phaseMetric("largePut", "PUT 64 MiB", "MB/s", (_, bytes) => bytes / MB),
  phaseMetric("largeGet", "GET 64 MiB", "MB/s", (_, bytes) => bytes / MB),
  phaseMetric("list", "LIST 1000 keys", "pages/s", (ops) => ops),
  { id: "startupMs", label: "start-up", unit: "ms", better: "lower", value: (r) => r.startupMs },
  { id: "idleRss", label: "idle RSS", unit: "MB", better: "lower", value: (r) => (r.idleRssBytes === undefined ? undefined : r.idleRssBytes / MB) },
  { id: "peakRss", label: "peak RSS (load)", unit: "MB", better: "lower", value: (r) => (r.peakRssBytes === undefined ? undefined : r.peakRssBytes / MB) },
];

export function metric(id: MetricId): Metric {
  const m = METRICS.find((m) => m.id === id);
  if (!m) throw new Error(`unknown metric ${id}`);
  return m;
}

/** subject ÷ other for one metric; undefined when either side has no figure. */
export function ratio(id: MetricId, subject: TargetResult | undefined, other: TargetResult | undefined): number | undefined {
  if (!subject || !other) return undefined;
  const a = metric(id).value(subject);
  const b = metric(id).value(other);
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}
