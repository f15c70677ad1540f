// strata run: a sidecar job. The server pins each input to a commit and serves a private S3 endpoint where the
// inputs are read-only buckets by NAME and `out` is an open commit on a staging branch made off the output
// branch's head. The command runs with that endpoint and credentials in its environment; exit 0 finishes the
// staging commit and merges it into the output branch (a conflict fails the job and leaves the branch as it was),
// anything else drops it and passes the exit code on.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import process from "node:process";
import { MERGE_STRATEGIES } from "../../repo/merge.ts";
import type { Command, CommandContext } from "../command.ts";
import { CliError, EXIT, usageError } from "../exit.ts";
import { conflictReport, conflictsOf } from "../merge-conflicts.ts";
import { COMMIT_OPTIONS, commitDetails } from "../commit-options.ts";

interface JobJson {
  id: string;
  port: number;
  staging: string;
  commit: string;
  accessKey: string;
  region: string;
  inputs: Record<string, { ref: string; commit: string }>;
  output: { ref: string; repo: string };
}

/** What finishing a job answers: the merge of its staged commit into the output branch (`commit`: the head after). */
interface LandedJson {
  staged: string;
  result: "up-to-date" | "fast-forward" | "merged";
  commit: string;
  resolved: number;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function parseInputs(raw: string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const item of raw) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw usageError(`--input ${item}: write NAME=<bucket or commit ref>, e.g. --input images=master.images`);
    const name = item.slice(0, eq);
    if (Object.hasOwn(inputs, name)) throw usageError(`--input ${name} is given twice`);
    inputs[name] = item.slice(eq + 1);
  }
  return inputs;
}

/** Runs the command to its end; resolves to its exit code (128 + n when a signal ended it). */
function runChild(command: string, args: string[], env: Record<string, string | undefined>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const s of SIGNALS) process.on(s, forward);
    const done = (code: number) => {
      for (const s of SIGNALS) process.off(s, forward);
      resolve(code);
    };
    child.on("error", (err) => {
      process.stderr.write(`strata run: cannot start ${command}: ${err.message}\n`);
      done(127);
    });
    child.on("exit", (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1)));
  });
}

async function run(ctx: CommandContext): Promise<number> {
  const [command, ...args] = ctx.rest;
  if (!command) throw usageError("give the command after --, e.g. strata run --input in=master.data --output master.results -- ./job.sh");
  const output = ctx.values.output as string | undefined;
  if (!output) throw usageError("--output <branch.repo> is required");
  const inputs = parseInputs((ctx.values.input as string[] | undefined) ?? []);
  const strategy = ctx.values.strategy as string | undefined;
  const client = ctx.client();
  const job = await client.admin<JobJson>("POST", "jobs", { body: { inputs, output, strategy, ...commitDetails(ctx.values) } });
  const endpoint = `${client.base.protocol}//${client.base.hostname}:${job.port}`;
  const pinned = Object.entries(job.inputs).map(([name, i]) => `${name}=${i.commit}`).join(", ");
  ctx.io.err(`strata run: job ${job.id} at ${endpoint}: inputs ${pinned || "(none)"}; writes to s3://out go into commit ${job.commit} on staging branch ${job.staging}, merged into ${output} at the end`);
  const env: Record<string, string | undefined> = {
    ...process.env,
    S3_ENDPOINT: endpoint,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: job.accessKey,
    AWS_SECRET_ACCESS_KEY: job.accessKey,
    AWS_REGION: job.region,
    AWS_DEFAULT_REGION: job.region,
    STRATA_JOB: job.id,
  };
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  const code = await runChild(command, args, env);
  if (code !== 0) {
    await client.admin("DELETE", `jobs/${job.id}`).catch((err) => ctx.io.err(`strata run: dropping the output commit failed: ${(err as Error).message}`));
    ctx.io.err(`strata run: ${command} exited with ${code}: output commit dropped, ${output} unchanged`);
    return report(ctx, { job: job.id, exitCode: code, inputs: job.inputs, output, commit: null });
  }
  let landed: LandedJson;
  try {
    landed = await client.admin<LandedJson>("POST", `jobs/${job.id}/finish`);
  } catch (err) {
    const conflicts = conflictsOf(err);
    if (!conflicts) throw new CliError(err instanceof CliError ? err.exitCode : EXIT.failure, `the command succeeded but its output could not be merged into ${output}: ${(err as Error).message}`);
    const staged = (err as CliError).details?.staged;
    const message =
      `strata run: ${conflicts.length} key${conflicts.length === 1 ? "" : "s"} changed differently by this job and on ${output} since it started; ` +
      `${output} unchanged (run it again with --strategy source-wins or dest-wins to take one side, or take this run's commit: strata merge ${staged}.${job.output.repo} ${output} --strategy source-wins):`;
    ctx.io.err(conflictReport(message, conflicts, { source: `job ${job.id}`, dest: output }));
    return report(ctx, { job: job.id, exitCode: EXIT.conflict, inputs: job.inputs, output, commit: null, staged, conflicts });
  }
  const how = landed.result === "merged" ? `merged into ${output} as ${landed.commit}${landed.resolved ? ` (${landed.resolved} conflicts settled by ${strategy})` : ""}` : `${output} moved to it`;
  ctx.io.err(`strata run: finished commit ${landed.staged}; ${how}`);
  return report(ctx, { job: job.id, exitCode: 0, inputs: job.inputs, output, commit: landed.commit, staged: landed.staged, merge: landed.result });
}

/** Prints the job's outcome with --json; the exit code is strata run's own. */
function report(ctx: CommandContext, outcome: { exitCode: number } & Record<string, unknown>): number {
  if (ctx.json) ctx.io.out(JSON.stringify(outcome, null, 2));
  return outcome.exitCode;
}

export const runCommand: Command = {
  name: "run",
  summary: "run a command against pinned inputs with a private S3 endpoint; its writes to s3://out become one commit, merged into the output branch",
  usage: "--input NAME=<ref> ... --output <branch.repo> [--strategy fail|source-wins|dest-wins] [-m TEXT] [--meta K=V ...] -- <command> [args...]",
  takesRest: true,
  example: "strata run --input photos=master.images --output master.thumbs -- sh -c 'aws s3 sync s3://photos s3://out'",
  options: {
    input: { type: "string", multiple: true, short: "i", help: "NAME=REF  a read-only bucket NAME pinned to REF's commit (repeatable)" },
    output: { type: "string", short: "o", help: "BRANCH.REPO  where the output commit goes" },
    strategy: {
      type: "string",
      choices: MERGE_STRATEGIES,
      help: "fail|source-wins|dest-wins  keys the output branch changed too while the job ran: fail the job (default), take the job's, keep the branch's",
    },
    ...COMMIT_OPTIONS,
  },
  args: [0, 0],
  notes: [
    "The command gets S3_ENDPOINT, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION.",
    "Inputs are read-only (writes answer 501 NotImplemented); `out` shows the output branch as it was when the",
    "job started, on a staging branch of the job's own; ListBuckets shows only these buckets, and none can be",
    "created or deleted. Exit 0 finishes the output commit and merges it into the output branch (jobs writing",
    "one branch at once all land unless they change the same keys differently: then, with --strategy fail, the",
    "job fails with exit code 4, listing those keys, and the branch is unchanged). Any other exit drops the",
    "output commit and is passed on.",
  ].join("\n"),
  run,
};
