// Bringing branches together and naming commits: merge, revert, tag create|list|delete, branch protect|unprotect.
import { branchRef, parseRef } from "../../repo/ref-names.ts";
import { MERGE_STRATEGIES } from "../../repo/service.ts";
import type { Command, CommandContext, OptionSpec } from "../command.ts";
import { COMMIT_OPTIONS, commitDetails } from "../commit-options.ts";
import { CliError, usageError } from "../exit.ts";
import { type ConflictJson, conflictReport, conflictsOf } from "../merge-conflicts.ts";
import { emit, shortTime, table } from "../output.ts";

interface MergeJson {
  into: string;
  result: "merged" | "fast-forward" | "up-to-date" | "conflict";
  commit: string | null;
  base: string | null;
  changed: number;
  resolved: number;
  dryRun: boolean;
  conflicts: ConflictJson[];
}

interface TagJson {
  ref: string;
  name: string;
  commit: string;
  created: string;
  author?: string;
  message?: string;
}

const MERGE_OPTIONS: Record<string, OptionSpec> = {
  strategy: {
    type: "string",
    short: "s",
    choices: MERGE_STRATEGIES,
    help: "S  keys both sides changed differently: fail (default: write nothing, list them), source-wins, dest-wins",
  },
  "dry-run": { type: "boolean", help: "say what the merge would do; write nothing" },
  ...COMMIT_OPTIONS,
};

const mergeBody = (ctx: CommandContext) => ({ ...commitDetails(ctx.values), strategy: ctx.values.strategy, dryRun: ctx.values["dry-run"] === true || undefined });

/**
 * Runs a merge or revert. A conflict (409: nothing was written) stays exit 4; on a terminal its message is followed
 * by every conflicting key with its version in the base and on both sides (--json: the `conflicts` of the error).
 */
async function landing(ctx: CommandContext, into: string, path: string, body: object, labels: { source: string; done: string }): Promise<void> {
  let res: MergeJson;
  try {
    res = await ctx.client().admin<MergeJson>("POST", `branches/${into}/${path}`, { body });
  } catch (err) {
    const conflicts = conflictsOf(err);
    if (!conflicts || ctx.json) throw err;
    const { exitCode, message, code, details } = err as CliError;
    throw new CliError(exitCode, conflictReport(message, conflicts, { source: labels.source, dest: into }), code, details);
  }
  emit(ctx, res, () => {
    const resolved = res.resolved ? `, ${res.resolved} conflict(s) resolved by ${ctx.values.strategy}` : "";
    if (res.result === "up-to-date") return `${into} already has ${labels.source} (head ${res.commit}): nothing to merge`;
    if (res.dryRun) return `dry run: would ${res.result === "fast-forward" ? "fast-forward" : "change"} ${res.changed} key(s) on ${into}${resolved}; nothing was written`;
    // A fast-forward makes no commit to hold -m and --meta: say so rather than drop them silently.
    const { message, meta } = commitDetails(ctx.values);
    const unrecorded = message !== undefined || meta ? "; a fast-forward makes no commit, so -m and --meta were not recorded" : "";
    if (res.result === "fast-forward") return `fast-forwarded ${into} to ${res.commit} (${res.changed} key(s) changed${unrecorded})`;
    return `${labels.done} ${into} as commit ${res.commit} (${res.changed} key(s) changed${resolved})`;
  });
}

/** branch protect and unprotect: one verb each, the same call. */
function protection(on: boolean): Command {
  const verb = on ? "protect" : "unprotect";
  return {
    name: `branch ${verb}`,
    summary: on
      ? "refuse direct writes to a branch (S3, put, commit start) and its deletion: changes land only by merge or revert"
      : "let a protected branch take direct writes and be deleted again",
    usage: "<branch.repo>",
    example: `strata branch ${verb} master.images`,
    args: [1, 1],
    async run(ctx) {
      const res = await ctx.client().admin<{ ref: string; protected: boolean }>("PUT", `branches/${ctx.positionals[0]}/protected`, { body: { protected: on } });
      emit(ctx, res, () => (res.protected ? `${res.ref} is protected: merge into it (strata merge <branch> ${res.ref}) or revert its commits` : `${res.ref} takes direct writes again`));
    },
  };
}

export const workflowCommands: Command[] = [
  {
    name: "merge",
    summary: "merge a branch, tag or commit into a branch (three-way, by key; a fast-forward when it can)",
    usage: "<from-ref> <into branch.repo> [--strategy fail|source-wins|dest-wins] [-m TEXT] [--meta K=V]... [--dry-run]",
    example: "strata merge dev.images master.images -m 'land the new crops' --meta ticket=T-12",
    options: MERGE_OPTIONS,
    args: [2, 2],
    notes:
      "A key both sides changed since their merge base, differently, is a conflict: with --strategy fail nothing is\n" +
      "written, every such key is listed with its version in the base and on both sides, and the exit code is 4.",
    async run(ctx) {
      const [from, into] = ctx.positionals;
      await landing(ctx, into, "merge", { from, ...mergeBody(ctx) }, { source: from, done: `merged ${from} into` });
    },
  },
  {
    name: "revert",
    summary: "undo exactly what one commit of a branch changed, as a new commit on the branch",
    usage: "<commit>.<branch.repo> [-m TEXT] [--meta K=V]... [--strategy fail|source-wins|dest-wins] [--dry-run]",
    example: "strata revert 0194d7f0a1b2c3d4e5f60718293a4b5c.master.images -m 'undo the bad import'",
    options: MERGE_OPTIONS,
    args: [1, 1],
    notes: "A key changed again since that commit is a conflict, as for merge (exit 4; source-wins takes the undo).",
    async run(ctx) {
      const ref = parseRef(ctx.positionals[0]);
      if (!ref.commit || !ref.branch) throw usageError(`${ctx.positionals[0]}: write the commit and its branch, commit.branch.repo`);
      const into = branchRef(ref.repo, ref.branch);
      await landing(ctx, into, "revert", { commit: ref.commit, ...mergeBody(ctx) }, { source: `undo of ${ref.commit}`, done: `reverted ${ref.commit} on` });
    },
  },
  {
    name: "tag create",
    summary: "name a commit for good (default: master's head); the tag reads as a read-only bucket tag.repo",
    usage: "<tag.repo> [--at <commit|branch|ref>] [-m TEXT]",
    example: "strata tag create v1.images --at master -m 'first release'",
    options: {
      at: { type: "string", help: "REF  the commit to name: a commit id, a branch or tag of the repo, or a ref (default: master)" },
      message: { type: "string", short: "m", help: "TEXT  what the tag is for" },
    },
    args: [1, 1],
    notes: "Tags and branches share one namespace per repo: a name is either. A tag never moves; delete it to reuse its name.",
    async run(ctx) {
      const tag = await ctx.client().admin<TagJson>("POST", "tags", { body: { ref: ctx.positionals[0], at: ctx.values.at, message: ctx.values.message } });
      emit(ctx, tag, () => `tagged commit ${tag.commit} as ${tag.ref} (read it as the bucket ${tag.ref})`);
    },
  },
  {
    name: "tag list",
    summary: "list a repo's tags and the commits they name",
    usage: "<repo>",
    example: "strata tag list images",
    args: [1, 1],
    async run(ctx) {
      const { tags } = await ctx.client().admin<{ tags: TagJson[] }>("GET", "tags", { query: { repo: ctx.positionals[0] } });
      emit(ctx, { tags }, () =>
        tags.length === 0
          ? "no tags"
          : table(["TAG", "COMMIT", "CREATED", "AUTHOR", "MESSAGE"], tags.map((t) => [t.ref, t.commit, shortTime(t.created), t.author ?? "-", t.message ?? ""])));
    },
  },
  {
    name: "tag delete",
    summary: "delete a tag (its commit stays; the name is free again)",
    usage: "<tag.repo>",
    example: "strata tag delete v1.images",
    args: [1, 1],
    async run(ctx) {
      const res = await ctx.client().admin<{ deleted: string; commit: string }>("DELETE", `tags/${ctx.positionals[0]}`);
      emit(ctx, res, () => `deleted tag ${res.deleted} (it named commit ${res.commit})`);
    },
  },
  protection(true),
  protection(false),
];
