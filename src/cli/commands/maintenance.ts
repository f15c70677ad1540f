// fsck and gc: on a running server through the admin API, or offline on a stopped server's --data-dir.
import { fsck, gc, migrate } from "../../repo/maintenance.ts";
import type { FsckReport } from "../../repo/fsck.ts";
import type { GcReport } from "../../repo/gc.ts";
import type { Command, CommandContext } from "../command.ts";
import { CliError, EXIT } from "../exit.ts";
import { DATA_DIR_OPTION, DISTRIBUTED_OPTIONS, distributedConfig, usingDataDir } from "../offline.ts";
import type { DistributedConfig } from "../../store/distributed-config.ts";
import { emit, humanDuration, humanSize } from "../output.ts";
import { parseDuration } from "../../util/time.ts";

/** The report of fsck or gc: from the server, or made here on --data-dir (whose lock keeps a server away). */
async function report<T>(ctx: CommandContext, task: "fsck" | "gc", local: (dir: string) => Promise<T>, remote: (to: DistributedConfig) => Promise<T>, body?: object): Promise<T> {
  const distributed = distributedConfig(ctx.values);
  if (distributed) return remote(distributed);
  const dir = ctx.values["data-dir"] as string | undefined;
  return dir === undefined ? ctx.client().admin<T>("POST", task, { body }) : usingDataDir(dir, () => local(dir));
}

const OFFLINE_OPTIONS = { ...DATA_DIR_OPTION, ...DISTRIBUTED_OPTIONS };

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
    lines.push(`  skipped ${r.tooYoung} pack(s) written in the last ${humanDuration(r.minAgeMs)} (minimum pack age, so uploads in flight are not raced): a later gc takes them, or gc --min-age 0`);
  }
  if (r.uploadsAborted > 0) lines.push(`  aborted ${r.uploadsAborted} multipart upload(s) started more than ${humanDuration(r.uploadMaxAgeMs)} ago`);
  for (const s of r.skipped) lines.push(`  skipped pack ${s.pack}: ${s.reason}`);
  return lines;
}

export const maintenanceCommands: Command[] = [
  {
    name: "fsck",
    summary: "verify every record and every reachable object of the store",
    usage: "[--data-dir DIR | --meta URL --blobs URL]",
    example: "strata fsck --data-dir ./strata-data",
    options: OFFLINE_OPTIONS,
    args: [0, 0],
    async run(ctx) {
      const r = await report(ctx, "fsck", (dir) => fsck(dir, { mustExist: true }), (to) => fsck(to));
      emit(ctx, r, () => fsckSummary(r));
      if (!r.ok) throw new CliError(EXIT.failure, "fsck found problems");
    },
  },
  {
    name: "gc",
    summary: "reclaim space held by blobs no ref reaches, and abort stalled multipart uploads",
    usage: "[--data-dir DIR | --meta URL --blobs URL] [--min-age DURATION] [--upload-max-age DURATION]",
    example: "strata gc --min-age 0",
    options: {
      ...OFFLINE_OPTIONS,
      "min-age": { type: "string", help: "DURATION  leave packs and blobs written or reused more recently alone (600, 10m; offline dir: 0, else 10m)" },
      "upload-max-age": { type: "string", help: "DURATION  abort multipart uploads started longer ago (default 7d)" },
    },
    args: [0, 0],
    notes: "On a running server, packs written in the last 10 minutes are left for a later round (--min-age 0 takes them too, racing uploads in flight); offline (--data-dir) none are.",
    async run(ctx) {
      const duration = (flag: string) => {
        const text = ctx.values[flag] as string | undefined;
        try {
          return text === undefined ? undefined : parseDuration(text);
        } catch (err) {
          throw new CliError(EXIT.usage, `--${flag}: ${(err as Error).message}`);
        }
      };
      const options = { minAgeMs: duration("min-age"), uploadMaxAgeMs: duration("upload-max-age") };
      const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
      const body = { minAgeSeconds: seconds(options.minAgeMs), uploadMaxAgeSeconds: seconds(options.uploadMaxAgeMs) };
      const r = await report(ctx, "gc", (dir) => gc(dir, { mustExist: true, ...options }), (to) => gc(to, options), body);
      emit(ctx, r, () => gcSummary(r));
    },
  },
  {
    name: "migrate",
    summary: "copy a stopped server's data dir, history included, into a distributed store (resumable)",
    usage: "--from DIR --meta URL --blobs URL",
    example: "strata migrate --from ./strata-data --meta postgres://db/strata --blobs s3://bucket/strata",
    options: { from: { type: "string", help: "DIR  the data dir to copy" }, ...DISTRIBUTED_OPTIONS },
    args: [0, 0],
    notes: "Run `strata fsck --meta URL --blobs URL` afterwards to verify the copy.",
    async run(ctx) {
      const from = ctx.values.from as string | undefined;
      const to = distributedConfig(ctx.values);
      if (!from || !to) throw new CliError(EXIT.usage, "migrate needs --from DIR, --meta URL and --blobs URL");
      const r = await usingDataDir(from, () => migrate(from, to, (p) => ctx.io.status(`\rcopied ${p.copied} of ${p.blobs} blobs (${p.skipped} already there)`)));
      ctx.io.status("\n");
      emit(ctx, r, () => [`migrate: copied ${r.copied} blob(s) (${humanSize(r.bytesCopied)}), ${r.skipped} already there, ${r.refs} ref(s)`]);
    },
  },
];
