// fsck and gc: on a running server through the admin API, or offline on a stopped server's --data-dir.
import { fsck, gc } from "../../repo/maintenance.ts";
import type { FsckReport } from "../../repo/fsck.ts";
import type { GcReport } from "../../repo/gc.ts";
import type { Command, CommandContext } from "../command.ts";
import { CliError, EXIT } from "../exit.ts";
import { DATA_DIR_OPTION, usingDataDir } from "../offline.ts";
import { emit, humanSize } from "../output.ts";

/** The report of fsck or gc: from the server, or made here on --data-dir (whose lock keeps a server away). */
async function report<T>(ctx: CommandContext, task: "fsck" | "gc", local: (dir: string) => Promise<T>): Promise<T> {
  const dir = ctx.values["data-dir"] as string | undefined;
  return dir === undefined ? ctx.client().admin<T>("POST", task) : usingDataDir(dir, () => local(dir));
}

function fsckSummary(r: FsckReport): string[] {
  const head = `fsck: ${r.ok ? "ok" : "PROBLEMS FOUND"}: ${r.packs.packs} pack(s), ${r.packs.records} record(s), ${humanSize(r.packs.bytes)}; ${r.reachable} reachable blob(s)`;
  return [
    head,
    ...r.packs.damaged.map((d) => `  damaged record in pack ${d.pack} at ${d.offset}: ${d.problem}${d.hash ? ` (${d.kind ?? "blob"} ${d.hash})` : ""}`),
    ...r.problems.map((p) => `  ${p.problem} ${p.kind} ${p.hash}, used by ${p.where}`),
  ];
}

function gcSummary(r: GcReport): string[] {
  const lines = [
    `gc: swept ${r.packsSwept} pack(s), copied ${r.blobsCopied} live blob(s); ${humanSize(r.bytesBefore)} → ${humanSize(r.bytesAfter)} (${r.reachable} reachable blob(s))`,
  ];
  if (r.tooYoung > 0) {
    lines.push(`  skipped ${r.tooYoung} pack(s) written in the last ${Math.round(r.minAgeMs / 60_000)} min (minimum pack age, so uploads in flight are not raced): a later gc takes them`);
  }
  for (const s of r.skipped) lines.push(`  skipped pack ${s.pack}: ${s.reason}`);
  return lines;
}

export const maintenanceCommands: Command[] = [
  {
    name: "fsck",
    summary: "verify every record and every reachable object of the store",
    usage: "[--data-dir DIR]",
    example: "strata fsck --data-dir ./strata-data",
    options: DATA_DIR_OPTION,
    args: [0, 0],
    async run(ctx) {
      const r = await report(ctx, "fsck", (dir) => fsck(dir, { mustExist: true }));
      emit(ctx, r, () => fsckSummary(r));
      if (!r.ok) throw new CliError(EXIT.failure, "fsck found problems");
    },
  },
  {
    name: "gc",
    summary: "reclaim space held by blobs no ref reaches",
    usage: "[--data-dir DIR]",
    example: "strata gc",
    options: DATA_DIR_OPTION,
    args: [0, 0],
    notes: "On a running server, packs written in the last 10 minutes are left for a later round; offline (--data-dir) none are.",
    async run(ctx) {
      const r = await report(ctx, "gc", (dir) => gc(dir, { mustExist: true }));
      emit(ctx, r, () => gcSummary(r));
    },
  },
];
