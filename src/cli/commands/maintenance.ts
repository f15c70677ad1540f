// fsck and gc: on a running server through the admin API, or offline on a stopped server's --data-dir.
import { fsck, gc, migrate, type StoreLocation } from "../../repo/maintenance.ts";
import { type DistributedConfig, withAwsDefaults } from "../../store/distributed-config.ts";
import { DataDirError } from "../../store/data-dir.ts";
import type { Command, CommandContext } from "../command.ts";
import { CliError, EXIT } from "../exit.ts";
import { emit } from "../output.ts";

/** --meta/--blobs (with the object store's endpoint and region; credentials from AWS_* too), when given. */
function distributed(ctx: CommandContext): DistributedConfig | undefined {
  const v = ctx.values as Record<string, string | undefined>;
  if (!v.meta && !v.blobs) return undefined;
  if (!v.meta || !v.blobs) throw new CliError(EXIT.usage, "--meta and --blobs go together");
  return withAwsDefaults({ meta: v.meta, blobs: v.blobs, blobsEndpoint: v["blobs-endpoint"], blobsRegion: v["blobs-region"] });
}

async function runTask(ctx: CommandContext, task: "fsck" | "gc"): Promise<void> {
  const dataDir: StoreLocation | undefined = distributed(ctx) ?? (ctx.values["data-dir"] as string | undefined);
  let report: unknown;
  if (dataDir === undefined) report = await ctx.client().admin("POST", task);
  else {
    // Opening the store takes the data dir's lock: a running server on it makes this fail clearly.
    try {
      const grace = ctx.values.grace === undefined ? undefined : Number(ctx.values.grace);
      if (grace !== undefined && !(grace >= 0)) throw new CliError(EXIT.usage, "--grace must be a number of seconds");
      report = await (task === "fsck" ? fsck(dataDir) : gc(dataDir, grace === undefined ? {} : { minAgeMs: grace * 1000 }));
    } catch (err) {
      if (err instanceof DataDirError) throw new CliError(EXIT.conflict, `cannot open ${dataDir}: ${err.message}`);
      throw err;
    }
  }
  emit(ctx, report, () => JSON.stringify(report, null, 2));
  const ok = (report as { ok?: boolean } | null)?.ok;
  if (ok === false) throw new CliError(EXIT.failure, `${task} found problems`);
}

const remote = {
  meta: { type: "string", help: "URL  postgres://… of a distributed store (with --blobs)" },
  blobs: { type: "string", help: "URL  s3://bucket/prefix of a distributed store (with --meta)" },
  "blobs-endpoint": { type: "string", help: "URL  the object store (else $AWS_ENDPOINT_URL_S3 / $AWS_ENDPOINT_URL)" },
  "blobs-region": { type: "string", help: "R  the object store's region (else $AWS_REGION / $AWS_DEFAULT_REGION)" },
} as const;
const dataDir = { "data-dir": { type: "string", help: "DIR  work offline on a stopped server's data dir" }, ...remote } as const;

export const maintenanceCommands: Command[] = [
  {
    name: "fsck",
    summary: "verify every record and every reachable object of the store",
    usage: "[--data-dir DIR | --meta URL --blobs URL]",
    example: "strata fsck --data-dir ./strata-data",
    options: dataDir,
    args: [0, 0],
    run: (ctx) => runTask(ctx, "fsck"),
  },
  {
    name: "gc",
    summary: "reclaim space held by blobs no ref reaches",
    usage: "[--data-dir DIR | --meta URL --blobs URL] [--grace SECONDS]",
    example: "strata gc",
    options: {
      ...dataDir,
      grace: { type: "string", help: "SECONDS  leave packs and blobs written or reused more recently alone (offline dir: 0; distributed: 600)" },
    },
    args: [0, 0],
    run: (ctx) => runTask(ctx, "gc"),
  },
  {
    name: "migrate",
    summary: "copy a stopped server's data dir, history included, into a distributed store (resumable)",
    usage: "--from DIR --meta URL --blobs URL",
    example: "strata migrate --from ./strata-data --meta postgres://db/strata --blobs s3://bucket/strata",
    options: { from: { type: "string", help: "DIR  the data dir to copy" }, ...remote },
    args: [0, 0],
    notes: "Run `strata fsck --meta URL --blobs URL` afterwards to verify the copy.",
    async run(ctx) {
      const from = ctx.values.from as string | undefined;
      const to = distributed(ctx);
      if (!from || !to) throw new CliError(EXIT.usage, "migrate needs --from DIR, --meta URL and --blobs URL");
      let report;
      try {
        report = await migrate(from, to, (r) => ctx.io.status(`\rcopied ${r.copied} of ${r.blobs} blobs (${r.skipped} already there)`));
      } catch (err) {
        if (err instanceof DataDirError) throw new CliError(EXIT.conflict, `cannot open ${from}: ${err.message}`);
        throw err;
      }
      ctx.io.status("\n");
      emit(ctx, report, () => JSON.stringify(report, null, 2));
    },
  },
];
