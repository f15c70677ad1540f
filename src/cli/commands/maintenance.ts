// fsck and gc: on a running server through the admin API, or offline on a stopped server's --data-dir.
import { fsck, gc } from "../../repo/maintenance.ts";
import { DataDirError } from "../../store/data-dir.ts";
import type { Command, CommandContext } from "../command.ts";
import { CliError, EXIT } from "../exit.ts";
import { emit } from "../output.ts";

async function runTask(ctx: CommandContext, task: "fsck" | "gc"): Promise<void> {
  const dataDir = ctx.values["data-dir"] as string | undefined;
  let report: unknown;
  if (dataDir === undefined) report = await ctx.client().admin("POST", task);
  else {
    // Opening the store takes the data dir's lock: a running server on it makes this fail clearly.
    try {
      report = await (task === "fsck" ? fsck(dataDir) : gc(dataDir));
    } catch (err) {
      if (err instanceof DataDirError) throw new CliError(EXIT.conflict, `cannot open ${dataDir}: ${err.message}`);
      throw err;
    }
  }
  emit(ctx, report, () => JSON.stringify(report, null, 2));
  const ok = (report as { ok?: boolean } | null)?.ok;
  if (ok === false) throw new CliError(EXIT.failure, `${task} found problems`);
}

const dataDir = { "data-dir": { type: "string", help: "DIR  work offline on a stopped server's data dir" } } as const;

export const maintenanceCommands: Command[] = [
  {
    name: "fsck",
    summary: "verify every record and every reachable object of the store",
    usage: "[--data-dir DIR]",
    example: "strata fsck --data-dir ./strata-data",
    options: dataDir,
    args: [0, 0],
    run: (ctx) => runTask(ctx, "fsck"),
  },
  {
    name: "gc",
    summary: "reclaim space held by blobs no ref reaches",
    usage: "[--data-dir DIR]",
    example: "strata gc",
    options: dataDir,
    args: [0, 0],
    run: (ctx) => runTask(ctx, "gc"),
  },
];
