// Output helpers: aligned tables and sizes for people, one JSON document for scripts.
import type { CommandContext } from "./command.ts";

/** Prints `data` as JSON with --json, else the human rendering. */
export function emit(ctx: CommandContext, data: unknown, human: () => string | string[]): void {
  if (ctx.json) {
    ctx.io.out(JSON.stringify(data, null, 2));
    return;
  }
  const text = human();
  const lines = Array.isArray(text) ? text : [text];
  if (lines.length) ctx.io.out(lines.join("\n"));
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : (cell ?? "").padEnd(widths[i]))).join("  ").trimEnd());
}

export function humanSize(bytes: number | undefined): string {
  if (bytes === undefined) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[u]}`;
}

/** An ISO time shortened for tables: 2025-01-02 03:04:05. */
export const shortTime = (iso: string | undefined): string => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "") : "-");

/** A duration in its largest whole unit that fits: "7 d", "10 min", "90 s". */
export function humanDuration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["min", 60_000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  }
  return `${Math.round(ms / 1000)} s`;
}
