// CPU time a server spends, read from /proc: user + system time of every process in its tree
// (all threads). Per operation it is steadier than throughput on a shared, noisy machine, where
// the rate swings with whatever else runs but the work done per request does not.
import { readFileSync } from "node:fs";
import { processTree } from "./rss.ts";

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** utime + stime of one process in µs; 0 when it is gone. */
function cpuMicrosOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command's ')': state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** utime + stime of a process and everything it started, in µs (10 ms ticks). */
export function treeCpuMicros(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + cpuMicrosOf(pid), 0);
}

/** Splits a server tree's CPU time into labelled stretches (benchmark phases), one mark at each start. */
export class PhaseCpu {
  private label = "";
  private since = 0;
  readonly microsByLabel: Record<string, number> = {};

  constructor(private readonly root: number) {}

  private now(): number {
    return treeCpuMicros(this.root);
  }

  /** Ends the current stretch (if any) and starts one named `label`. */
  mark(label: string): void {
    const now = this.now();
    if (this.label) this.microsByLabel[this.label] = (this.microsByLabel[this.label] ?? 0) + now - this.since;
    this.label = label;
    this.since = now;
  }

  /** Ends the current stretch. */
  stop(): void {
    this.mark("");
  }
}
