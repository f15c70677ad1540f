// commit start|finish|drop|list|inspect, log and diff.
import type { Command, CommandContext } from "../command.ts";
import { COMMIT_OPTIONS, commitDetails } from "../commit-options.ts";
import { usageError } from "../exit.ts";
import { emit, humanSize, shortTime, table } from "../output.ts";

interface CommitJson {
  id: string;
  repo: string;
  branch: string;
  parent: string | null;
  /** the first parent, then for a merge the commit merged in (absent on an open commit) */
  parents?: string[];
  started: string;
  finished?: string;
  message?: string;
  author?: string;
  meta?: Record<string, string>;
  open?: boolean;
  objects?: number;
}

interface VersionJson {
  size: number;
  etag: string;
  commit: string;
  modified: string;
}

interface DiffJson {
  from: string;
  to: string;
  changes: Array<{ key: string; change: "added" | "deleted" | "modified"; before?: VersionJson; after?: VersionJson }>;
  truncated: boolean;
}

const limit = { limit: { type: "string", short: "n", help: "N  show at most N commits (default 1000)" } } as const;

/** A commit's metadata as `k=v, k=v`. */
const metaText = (meta: Record<string, string>): string => Object.entries(meta).map(([k, v]) => `${k}=${v}`).join(", ");

/** What `log` and `commit inspect` show of a commit's parents: both of a merge. */
const parentsOf = (c: CommitJson): string[] => c.parents ?? (c.parent ? [c.parent] : []);

async function history(ctx: CommandContext): Promise<{ commits: CommitJson[]; truncated: boolean }> {
  const n = ctx.values.limit === undefined ? undefined : Number(ctx.values.limit);
  if (ctx.values.all === true) {
    const repo = ctx.positionals[0];
    if (repo.includes(".")) throw usageError(`--all lists every commit of a repo: give the repo (${repo.split(".").pop()}), not ${repo}`);
    return ctx.client().admin("GET", "commits", { query: { repo, limit: n } });
  }
  return ctx.client().admin("GET", "commits", { query: { ref: ctx.positionals[0], limit: n } });
}

export const commitCommands: Command[] = [
  {
    name: "commit start",
    summary: "open a commit on a branch: writes collect in it and appear together at finish",
    usage: "<branch.repo> [-m TEXT] [--meta K=V]...",
    example: "strata commit start master.images -m 'nightly import' --meta source=camera-7",
    options: COMMIT_OPTIONS,
    args: [1, 1],
    async run(ctx) {
      const res = await ctx.client().admin<{ id: string; ref: string }>("POST", "commits/start", { body: { ref: ctx.positionals[0], ...commitDetails(ctx.values) } });
      emit(ctx, res, () => [res.id, `writes to ${ctx.positionals[0]} now go into commit ${res.id}; finish with: strata commit finish ${ctx.positionals[0]}`]);
    },
  },
  {
    name: "commit finish",
    summary: "finish a branch's open commit, making its writes visible at once",
    usage: "<branch.repo> [-m TEXT]",
    example: "strata commit finish master.images",
    options: { message: COMMIT_OPTIONS.message },
    args: [1, 1],
    async run(ctx) {
      const commit = await ctx.client().admin<CommitJson>("POST", "commits/finish", { body: { ref: ctx.positionals[0], message: ctx.values.message } });
      emit(ctx, commit, () => `finished commit ${commit.id} on ${commit.branch}.${commit.repo}`);
    },
  },
  {
    name: "commit drop",
    summary: "drop a branch's open commit and everything written into it",
    usage: "<branch.repo>",
    example: "strata commit drop master.images",
    args: [1, 1],
    async run(ctx) {
      const res = await ctx.client().admin<{ dropped: string }>("POST", "commits/drop", { body: { ref: ctx.positionals[0] } });
      emit(ctx, res, () => `dropped commit ${res.dropped} on ${ctx.positionals[0]}`);
    },
  },
  {
    name: "commit list",
    summary: "list the commits of a branch (its open commit first) or before a commit, newest first; --all: of a repo",
    usage: "<ref> [-n N] | <repo> --all [-n N]",
    example: "strata commit list master.images -n 20",
    options: { ...limit, all: { type: "boolean", short: "a", help: "every commit of the repo, on any branch or none (a deleted branch's)" } },
    args: [1, 1],
    async run(ctx) {
      const res = await history(ctx);
      emit(ctx, res, () =>
        table(["COMMIT", "BRANCH", "FINISHED", "MESSAGE"], res.commits.map((c) => [c.id, c.branch, c.open ? "(open)" : shortTime(c.finished), c.message ?? ""])));
    },
  },
  {
    name: "commit inspect",
    summary: "show one commit: a commit ref, or a branch's head",
    usage: "<ref>",
    example: "strata commit inspect 0194d7f0a1b2c3d4e5f60718293a4b5c.master.images",
    args: [1, 1],
    async run(ctx) {
      const c = await ctx.client().admin<CommitJson>("GET", `commits/${ctx.positionals[0]}`);
      const parents = parentsOf(c);
      emit(ctx, c, () => [
        `commit   ${c.id}`,
        `repo     ${c.repo}`,
        `branch   ${c.branch}`,
        parents.length > 1 ? `parents  ${parents.join(" ")} (a merge)` : `parent   ${parents[0] ?? "-"}`,
        `author   ${c.author ?? "-"}`,
        `started  ${c.started}`,
        `finished ${c.finished}`,
        `objects  ${c.objects}`,
        ...(c.message ? [`message  ${c.message}`] : []),
        ...(c.meta && Object.keys(c.meta).length ? [`meta     ${metaText(c.meta)}`] : []),
      ]);
    },
  },
  {
    name: "log",
    summary: "show the history of a ref, newest first",
    usage: "<ref> [-n N]",
    example: "strata log master.images -n 5",
    options: limit,
    args: [1, 1],
    async run(ctx) {
      const res = await history(ctx);
      emit(ctx, res, () =>
        res.commits.flatMap((c) => [
          `commit ${c.id}${c.open ? " (open)" : ""}`,
          ...(parentsOf(c).length > 1 ? [`Merge:  ${parentsOf(c).join(" ")}`] : []),
          ...(c.author ? [`Author: ${c.author}`] : []),
          `Branch: ${c.branch}.${c.repo}`,
          `Date:   ${c.open ? `started ${c.started}` : c.finished}`,
          ...(c.meta && Object.keys(c.meta).length ? [`Meta:   ${metaText(c.meta)}`] : []),
          ...(c.message ? ["", `    ${c.message}`] : []),
          "",
        ]));
    },
  },
  {
    name: "diff",
    summary: "what changed between two refs (added, deleted, modified keys)",
    usage: "<from-ref> <to-ref> [--prefix P]",
    example: "strata diff 0194d7f0a1b2c3d4e5f60718293a4b5c.images master.images",
    options: { prefix: { type: "string", help: "P  only keys starting with P" } },
    args: [2, 2],
    async run(ctx) {
      const [from, to] = ctx.positionals;
      const res = await ctx.client().admin<DiffJson>("GET", "diff", { query: { from, to, prefix: ctx.values.prefix as string | undefined } });
      const mark = { added: "A", deleted: "D", modified: "M" } as const;
      emit(ctx, res, () => {
        const lines = res.changes.map((c) => {
          const sizes = c.change === "modified" ? `${humanSize(c.before?.size)} → ${humanSize(c.after?.size)}` : humanSize((c.after ?? c.before)?.size);
          return `${mark[c.change]}  ${c.key}  (${sizes})`;
        });
        const count = (k: keyof typeof mark) => res.changes.filter((c) => c.change === k).length;
        lines.push(`${count("added")} added, ${count("modified")} modified, ${count("deleted")} deleted${res.truncated ? " (truncated)" : ""}`);
        return lines;
      });
    },
  },
];
