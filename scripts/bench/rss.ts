// Resident memory of a server's whole process tree (a launcher script may fork the real
// server), read from /proc/<pid>/status VmRSS. The tree is found by scanning /proc for parent
// links; that scan is the costly part, so the sampler redoes it only now and then.
import { readFileSync, readdirSync } from "node:fs";

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 4 is the parent pid; field 2 (the command) may hold spaces, so count from its ')'.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined; // exited while we looked
  }
}

/** The pid and every descendant of it that is alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    const list = children.get(parent);
    if (list) list.push(pid);
    else children.set(parent, [pid]);
  }
  const tree: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    tree.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** VmRSS of one process in bytes; 0 when it is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function treeRss(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + rssOf(pid), 0);
}

/** Samples a tree's RSS every `intervalMs`, keeping the peak overall and per labelled stretch. */
export class RssSampler {
  private pids: number[];
  private timer: ReturnType<typeof setInterval> | undefined;
  private samples = 0;
  private label = "";
  peak = 0;
  readonly peakByLabel: Record<string, number> = {};

  constructor(
    private readonly root: number,
    private readonly intervalMs = 50,
    private readonly rescanEvery = 20,
  ) {
    this.pids = processTree(root);
  }

  /** Samples once now; every `rescanEvery` samples the process tree is looked up again. */
  sample(): number {
    if (++this.samples % this.rescanEvery === 0) this.pids = processTree(this.root);
    const rss = treeRss(this.pids);
    this.peak = Math.max(this.peak, rss);
    if (this.label) this.peakByLabel[this.label] = Math.max(this.peakByLabel[this.label] ?? 0, rss);
    return rss;
  }

  /** Starts a new labelled stretch (e.g. a benchmark phase). */
  mark(label: string): void {
    this.label = label;
    this.sample();
  }

  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }
}
