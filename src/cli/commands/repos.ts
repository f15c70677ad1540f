// repo create|list|delete and branch create|list|delete|public.
import type { Command } from "../command.ts";
import { usageError } from "../exit.ts";
import { emit, shortTime, table } from "../output.ts";

interface RepoJson {
  name: string;
  created: string;
  description?: string;
  branches: string[];
}

interface BranchJson {
  ref: string;
  repo: string;
  branch: string;
  created: string;
  head: string | null;
  open?: string;
  protected?: boolean;
}

export const repoCommands: Command[] = [
  {
    name: "repo create",
    summary: "create a repo and its branch master (its branches are buckets branch.repo)",
    usage: "<repo> [--description TEXT]",
    example: "strata repo create images --description 'training images'",
    options: { description: { type: "string", short: "d", help: "TEXT  what the repo holds" } },
    args: [1, 1],
    async run(ctx) {
      const [name] = ctx.positionals;
      const created = await ctx.client().admin("POST", "repos", { body: { name, description: ctx.values.description } });
      emit(ctx, created, () => `created repo ${name} with branch master (bucket ${name}, or master.${name})`);
    },
  },
  {
    name: "repo list",
    summary: "list repos with their branches",
    usage: "",
    example: "strata repo list --json",
    args: [0, 0],
    async run(ctx) {
      const { repos } = await ctx.client().admin<{ repos: RepoJson[] }>("GET", "repos");
      emit(ctx, { repos }, () =>
        repos.length === 0
          ? "no repos yet (strata repo create NAME, or aws s3 mb s3://NAME)"
          : table(["REPO", "CREATED", "BRANCHES", "DESCRIPTION"], repos.map((r) => [r.name, shortTime(r.created), r.branches.join(",") || "-", r.description ?? ""])));
    },
  },
  {
    name: "repo delete",
    summary: "delete a repo (--force: with its branches)",
    usage: "<repo> [--force]",
    example: "strata repo delete images --force",
    options: { force: { type: "boolean", short: "f", help: "delete its branches too" } },
    args: [1, 1],
    async run(ctx) {
      const [name] = ctx.positionals;
      const res = await ctx.client().admin("DELETE", `repos/${name}`, { query: { force: ctx.values.force === true } });
      emit(ctx, res, () => `deleted repo ${name}`);
    },
  },
  {
    name: "branch create",
    summary: "create a branch (and its repo if needed), empty or from a commit or branch",
    usage: "<branch.repo> [--from <commit|branch|ref>]",
    example: "strata branch create dev.images --from master",
    options: { from: { type: "string", help: "REF  start at this commit id, branch of the same repo, or ref (commit.repo, branch.repo)" } },
    args: [1, 1],
    async run(ctx) {
      const branch = await ctx.client().admin<BranchJson>("POST", "branches", { body: { ref: ctx.positionals[0], from: ctx.values.from } });
      emit(ctx, branch, () => `created branch ${branch.ref}${branch.head ? ` at ${branch.head}` : " (empty)"}`);
    },
  },
  {
    name: "branch list",
    summary: "list branches, of every repo or of one",
    usage: "[repo]",
    example: "strata branch list images",
    args: [0, 1],
    async run(ctx) {
      const { branches } = await ctx.client().admin<{ branches: BranchJson[] }>("GET", "branches", { query: { repo: ctx.positionals[0] } });
      emit(ctx, { branches }, () =>
        branches.length === 0
          ? "no branches"
          : table(["BRANCH", "HEAD", "OPEN COMMIT", "CREATED"], branches.map((b) => [`${b.ref}${b.protected ? " (protected)" : ""}`, b.head ?? "-", b.open ?? "-", shortTime(b.created)])));
    },
  },
  {
    name: "branch public",
    summary: "let anyone read a branch and its commits without credentials (on), or not (off); writes always need a token",
    usage: "<branch.repo> on|off",
    example: "strata branch public master.images on",
    args: [2, 2],
    async run(ctx) {
      const [ref, state] = ctx.positionals;
      if (state !== "on" && state !== "off") throw usageError(`branch public takes on or off, not ${state}`);
      const res = await ctx.client().admin<{ ref: string; public: boolean }>("PUT", `branches/${ref}/public`, { body: { public: state === "on" } });
      emit(ctx, res, () => (res.public ? `${res.ref} is public: anyone may read it and its commits without credentials` : `${res.ref} is private`));
    },
  },
  {
    name: "branch delete",
    summary: "delete a branch (--force when it has commits; they stay readable as commit.repo)",
    usage: "<branch.repo> [--force]",
    example: "strata branch delete dev.images --force",
    options: { force: { type: "boolean", short: "f", help: "delete it even though it has commits" } },
    args: [1, 1],
    notes: "The head it had is printed: `strata branch create <branch.repo> --from <head>` brings the branch back.\n`strata commit list <repo> --all` lists every commit of the repo, a deleted branch's too.",
    async run(ctx) {
      const ref = ctx.positionals[0];
      const res = await ctx.client().admin<{ deleted: string; head: string | null }>("DELETE", `branches/${ref}`, { query: { force: ctx.values.force === true || undefined } });
      emit(ctx, res, () =>
        res.head
          ? [`deleted branch ${res.deleted}; its head was ${res.head}`, `bring it back with: strata branch create ${res.deleted} --from ${res.head}`]
          : `deleted branch ${res.deleted} (it had no commits)`);
    },
  },
];
