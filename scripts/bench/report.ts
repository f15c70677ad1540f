// Turns one run into text: absolute figures per target, the subject's ratios to every other
// target, the goal verdicts, and the notes (skips, errors) that qualify them.
import type { GoalCheck } from "./goals.ts";
import type { PhaseName } from "./loadgen.ts";
import { METRICS, ratio, type TargetResult } from "./metrics.ts";

export function formatNumber(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "-";
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString("en-US");
  return n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

export function formatRatio(r: number | undefined): string {
  return r === undefined ? "-" : `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function phaseHadErrors(r: TargetResult, id: string): boolean {
  return ((r.phases as Record<string, { errors: number } | undefined> | undefined)?.[id]?.errors ?? 0) > 0;
}

export function figuresTable(results: TargetResult[]): string {
  const ran = results.filter((r) => !r.skipped);
  const rows = METRICS.map((m) => [
    `${m.label} (${m.unit})`,
    ...ran.map((r) => formatNumber(m.value(r)) + (phaseHadErrors(r, m.id) ? "*" : "")),
  ]);
  return table(["", ...ran.map((r) => r.name)], rows);
}

/** Server CPU per operation by phase: steadier than rates on a busy machine (the work per request does not swing). */
export function serverCpuTable(results: TargetResult[]): string | undefined {
  const measured = results.filter((r) => r.serverCpuUsPerOp && Object.keys(r.serverCpuUsPerOp).length > 0);
  if (measured.length === 0) return undefined;
  const rows = METRICS.filter((m) => measured.some((r) => r.serverCpuUsPerOp![m.id as PhaseName] !== undefined)).map((m) => [
    m.label,
    ...measured.map((r) => formatNumber(r.serverCpuUsPerOp![m.id as PhaseName])),
  ]);
  return table(["server CPU per op (µs)", ...measured.map((r) => r.name)], rows);
}

export function ratiosTable(results: TargetResult[], subject: string): string | undefined {
  const s = results.find((r) => r.name === subject && !r.skipped);
  const others = results.filter((r) => r.name !== subject && !r.skipped);
  if (!s || others.length === 0) return undefined;
  const rows = METRICS.map((m) => [
    `${m.label} (${m.better} is better)`,
    ...others.map((o) => formatRatio(ratio(m.id, s, o))),
  ]);
  return table([`${subject} ÷`, ...others.map((o) => o.name)], rows);
}

export function goalsTable(checks: GoalCheck[]): string {
  const rows = checks.flatMap((c) => {
    const row = [c.goal, c.value === undefined ? "-" : formatNumber(c.value), c.verdict + (c.why ? ` (${c.why})` : "")];
    if (!c.alsoShown) return [row];
    const { against, value } = c.alsoShown;
    return [row, [`  for information: ÷ ${against}`, value === undefined ? "-" : formatNumber(value), "(not a goal)"]];
  });
  return table(["goal", "value", "verdict"], rows);
}

export function notes(results: TargetResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.name}: ${r.config || "(not configured)"}`);
    if (r.skipped) out.push(`  SKIPPED: ${r.skipped}`);
    if (r.error) out.push(`  ERROR: ${r.error}`);
    for (const [phase, p] of Object.entries(r.phases ?? {})) {
      if (p && p.errors > 0) out.push(`  * ${phase}: ${p.errors} failed requests, first: ${p.firstError}`);
    }
  }
  return out;
}

export function fullReport(results: TargetResult[], subject: string, checks: GoalCheck[]): string {
  const parts = ["Figures (* = the phase had failed requests):", figuresTable(results), ""];
  const cpu = serverCpuTable(results);
  if (cpu) parts.push("Server CPU per operation (/proc user + system, all threads of its processes):", cpu, "");
  const ratios = ratiosTable(results, subject);
  parts.push(...(ratios ? [`Ratios, ${subject} ÷ each target:`, ratios, ""] : [`Ratios: ${subject} was not run.`, ""]));
  parts.push(`Goals (issues 7 and 20) for ${subject}:`, goalsTable(checks), "", "Targets:", ...notes(results));
  return parts.join("\n");
}
