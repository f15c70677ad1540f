// `strata auth ...`: users, tokens and roles. Against a running server through its admin API (--server, with an
// admin's credentials once auth is on), or offline on a stopped server's data dir (--data-dir), where the same
// API runs in this process; either way the same requests and answers.
import { offlineAuthApi } from "../../admin/routes/auth.ts";
import { AccessControl, ROLES } from "../../repo/access.ts";
import { Store } from "../../store/store.ts";
import { StrataClient } from "../client.ts";
import type { Command, CommandContext } from "../command.ts";
import { DATA_DIR_OPTION, usingDataDir } from "../offline.ts";
import { emit, shortTime, table } from "../output.ts";

interface UserJson {
  name: string;
  admin: boolean;
  roles: Record<string, string>;
  created: string;
}

interface TokenJson {
  id: string;
  user: string;
  created: string;
  label?: string;
}

/** Runs `fn` with a client of the auth API: offline on --data-dir, else the server's. */
async function withAuthApi<T>(ctx: CommandContext, fn: (client: StrataClient) => Promise<T>): Promise<T> {
  const dir = ctx.values["data-dir"] as string | undefined;
  if (dir === undefined) return fn(ctx.client());
  return usingDataDir(dir, async () => {
    const store = Store.open(dir, { mustExist: true });
    try {
      return await fn(new StrataClient("http://offline.strata", undefined, undefined, offlineAuthApi(new AccessControl(store))));
    } finally {
      await store.close();
    }
  });
}

/** An auth verb: one admin API call, its answer printed as JSON or for people. */
function authVerb(spec: Omit<Command, "run" | "options"> & {
  options?: Command["options"];
  call: (ctx: CommandContext) => { method: string; path: string; body?: unknown; query?: Record<string, string | undefined> };
  human: (answer: any, ctx: CommandContext) => string | string[];
}): Command {
  return {
    ...spec,
    options: { ...spec.options, ...DATA_DIR_OPTION },
    async run(ctx) {
      const { method, path, body, query } = spec.call(ctx);
      const answer = await withAuthApi(ctx, (client) => client.admin(method, `auth/${path}`, { body, query }));
      emit(ctx, answer, () => spec.human(answer, ctx));
    },
  };
}

const shownOnce = "shown once; it is the access key and the secret key";

export const authCommands: Command[] = [
  authVerb({
    name: "auth enable",
    summary: "turn auth on (creates user admin and prints its token when no admin has one)",
    usage: "[--data-dir DIR]",
    example: "strata auth enable --data-dir ./strata-data",
    args: [0, 0],
    call: () => ({ method: "POST", path: "enable" }),
    human: (a: { user?: string; token?: string }) =>
      a.token ? [`Auth is on. Token of admin user "${a.user}" (${shownOnce}):`, a.token] : "Auth is on (an admin already has a token).",
  }),
  authVerb({
    name: "auth disable",
    summary: "turn auth off again (not while a server started with --auth runs)",
    usage: "[--data-dir DIR]",
    example: "strata auth disable --data-dir ./strata-data",
    args: [0, 0],
    call: () => ({ method: "POST", path: "disable" }),
    human: () => "Auth is off: any credentials work (serve --auth still turns it on).",
  }),
  authVerb({
    name: "auth user create",
    summary: "add a user (--admin: may do everything)",
    usage: "<name> [--admin]",
    example: "strata auth user create alice",
    options: { admin: { type: "boolean", help: "make the user an admin" } },
    args: [1, 1],
    call: (ctx) => ({ method: "POST", path: "users", body: { name: ctx.positionals[0], admin: ctx.values.admin === true } }),
    human: (u: UserJson) => `created user ${u.name}${u.admin ? " (admin)" : ""}`,
  }),
  authVerb({
    name: "auth user list",
    summary: "users, admin flags and roles",
    usage: "",
    example: "strata auth user list --json",
    args: [0, 0],
    call: () => ({ method: "GET", path: "users" }),
    human: ({ users }: { users: UserJson[] }) =>
      users.length === 0
        ? "(no users)"
        : table(["USER", "ADMIN", "CREATED", "ROLES"], users.map((u) => [u.name, u.admin ? "yes" : "-", shortTime(u.created), Object.entries(u.roles).map(([r, role]) => `${r}:${role}`).join(" ") || "-"])),
  }),
  authVerb({
    name: "auth user delete",
    summary: "remove a user and all their tokens",
    usage: "<name>",
    example: "strata auth user delete alice",
    args: [1, 1],
    call: (ctx) => ({ method: "DELETE", path: `users/${ctx.positionals[0]}` }),
    human: (a: { deleted: string }) => `deleted user ${a.deleted} and their tokens`,
  }),
  authVerb({
    name: "auth token create",
    summary: "make a token for a user (printed once; stored only as a hash)",
    usage: "<user> [--label L]",
    example: "strata auth token create alice --label laptop",
    options: { label: { type: "string", help: "L  what the token is for" } },
    args: [1, 1],
    call: (ctx) => ({ method: "POST", path: `users/${ctx.positionals[0]}/tokens`, body: { label: ctx.values.label } }),
    human: (t: TokenJson & { token: string }) => [`token ${t.id} for ${t.user} (${shownOnce}):`, t.token],
  }),
  authVerb({
    name: "auth token list",
    summary: "token ids, owners, labels (never the tokens)",
    usage: "[<user>]",
    example: "strata auth token list alice",
    args: [0, 1],
    call: (ctx) => ({ method: "GET", path: "tokens", query: { user: ctx.positionals[0] } }),
    human: ({ tokens }: { tokens: TokenJson[] }) =>
      tokens.length === 0 ? "(no tokens)" : table(["ID", "USER", "CREATED", "LABEL"], tokens.map((t) => [t.id, t.user, shortTime(t.created), t.label ?? ""])),
  }),
  authVerb({
    name: "auth token revoke",
    summary: "revoke a token by its id (from token list) or by itself",
    usage: "<id|token>",
    example: "strata auth token revoke 3f2a9c1b7d4e",
    args: [1, 1],
    call: (ctx) => ({ method: "DELETE", path: `tokens/${ctx.positionals[0]}` }),
    human: ({ revoked }: { revoked: TokenJson }) => `revoked token ${revoked.id} of ${revoked.user}`,
  }),
  authVerb({
    name: "auth grant",
    summary: `give a user a role (${ROLES.join(" < ")}) in a repo`,
    usage: `<user> ${ROLES.join("|")} <repo>`,
    example: "strata auth grant alice writer photos",
    args: [3, 3],
    call: (ctx) => ({ method: "PUT", path: `users/${ctx.positionals[0]}/roles/${ctx.positionals[2]}`, body: { role: ctx.positionals[1] } }),
    human: (a: { user: string; role: string; repo: string }) => `${a.user} is ${a.role} of ${a.repo}`,
  }),
  authVerb({
    name: "auth revoke",
    summary: "take a user's role in a repo away",
    usage: "<user> <repo>",
    example: "strata auth revoke alice photos",
    args: [2, 2],
    call: (ctx) => ({ method: "DELETE", path: `users/${ctx.positionals[0]}/roles/${ctx.positionals[1]}` }),
    human: (a: { user: string; repo: string; revoked: boolean }) => (a.revoked ? `${a.user} has no role in ${a.repo} now` : `${a.user} had no role in ${a.repo}`),
  }),
];
