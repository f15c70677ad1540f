// `strata auth ...`: users, tokens and roles, edited offline on a data dir (the server must be stopped:
// the data dir's lock keeps a running server and these commands apart).
import * as fs from "node:fs";
import process from "node:process";
import { AccessControl, AccessError, ROLES, type Role, type TokenInfo, type User } from "../repo/access.ts";
import { Store } from "../store/store.ts";

const HELP = `usage: strata auth <command> [--data-dir DIR] [--json]

Users hold per-repo roles (reader < writer < owner) and may be admins (everything).
A token is a user's S3 access key AND secret key. Tokens are stored hashed: they are
shown once, when created. Run these with the server stopped.

commands:
  enable                          turn auth on for this data dir; creates the admin user and
                                  prints its token when no admin has a token yet
  disable                         turn auth off again (unless serve is given --auth)
  user create <name> [--admin]    add a user
  user list                       users, admin flags and roles
  user delete <name>              remove a user and all their tokens
  token create <user> [--label L] make a token for a user (printed once)
  token list [<user>]             token ids, owners, labels (never the tokens)
  token revoke <id|token>         revoke a token by its id (from token list) or by itself
  grant <user> <role> <repo>      give a user a role (${ROLES.join(", ")}) in a repo
  revoke <user> <repo>            take a user's role in a repo away

options:
  --data-dir DIR   data dir (default $STRATA_DATA_DIR or ./strata-data)
  --json           machine-readable output
  --help           this text

examples:
  strata auth enable --data-dir /srv/strata
  strata auth user create alice
  strata auth grant alice writer photos
  strata auth token create alice --label laptop
  AWS_ACCESS_KEY_ID=<token> AWS_SECRET_ACCESS_KEY=<token> aws --endpoint-url http://localhost:30600 s3 ls s3://photos
  strata auth token list alice --json
  strata auth revoke alice photos
`;

class UsageError extends Error {}

interface Parsed {
  words: string[];
  dataDir: string;
  json: boolean;
  admin: boolean;
  label?: string;
  help: boolean;
}

function parse(args: string[]): Parsed {
  const parsed: Parsed = { words: [], dataDir: process.env.STRATA_DATA_DIR || "./strata-data", json: false, admin: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--data-dir") parsed.dataDir = value();
    else if (flag === "--label") parsed.label = value();
    else if (flag === "--json") parsed.json = true;
    else if (flag === "--admin") parsed.admin = true;
    else if (flag === "--help" || flag === "-h") parsed.help = true;
    else if (flag.startsWith("--")) throw new UsageError(`unknown flag ${flag}`);
    else parsed.words.push(args[i]);
  }
  return parsed;
}

const describeUser = (u: User) =>
  `${u.name}${u.admin ? " (admin)" : ""}\t${Object.entries(u.roles).map(([repo, role]) => `${repo}:${role}`).join(" ") || "-"}`;
const describeToken = (t: TokenInfo) => `${t.id}\t${t.user}\t${new Date(t.created).toISOString()}\t${t.label ?? ""}`;

/** What one command prints: a JSON value and the same for people. */
interface Output {
  json: unknown;
  text: string;
}

async function run(access: AccessControl, p: Parsed): Promise<Output> {
  const [verb, sub, ...rest] = p.words;
  const need = (n: number, usage: string, given: string[]) => {
    if (given.length !== n) throw new UsageError(`usage: strata auth ${usage}`);
    return given;
  };
  switch (verb) {
    case "enable": {
      need(0, "enable", p.words.slice(1));
      const created = await access.enable();
      return created
        ? { json: { enabled: true, ...created }, text: `Auth is on. Token of admin user "${created.user}" (shown once; it is the access key and the secret key):\n${created.token}` }
        : { json: { enabled: true }, text: "Auth is on (an admin already has a token)." };
    }
    case "disable":
      need(0, "disable", p.words.slice(1));
      await access.disable();
      return { json: { enabled: false }, text: "Auth is off (serve --auth still turns it on)." };
    case "grant": {
      const [user, role, repo] = need(3, "grant <user> <role> <repo>", p.words.slice(1));
      await access.grant(user, role as Role, repo);
      return { json: { user, role, repo }, text: `${user} is ${role} of ${repo}` };
    }
    case "revoke": {
      const [user, repo] = need(2, "revoke <user> <repo>", p.words.slice(1));
      const had = await access.revoke(user, repo);
      return { json: { user, repo, revoked: had }, text: had ? `${user} has no role in ${repo} now` : `${user} had no role in ${repo}` };
    }
    case "user":
      switch (sub) {
        case "create": {
          const [name] = need(1, "user create <name> [--admin]", rest);
          const user = await access.createUser(name, { admin: p.admin });
          return { json: user, text: `created user ${name}${user.admin ? " (admin)" : ""}` };
        }
        case "list": {
          need(0, "user list", rest);
          const users = access.listUsers();
          return { json: users, text: users.map(describeUser).join("\n") || "(no users)" };
        }
        case "delete": {
          const [name] = need(1, "user delete <name>", rest);
          await access.deleteUser(name);
          return { json: { deleted: name }, text: `deleted user ${name} and their tokens` };
        }
      }
      break;
    case "token":
      switch (sub) {
        case "create": {
          const [user] = need(1, "token create <user> [--label L]", rest);
          const { token, info } = await access.createToken(user, p.label);
          return { json: { token, ...info }, text: `token ${info.id} for ${user} (shown once; it is the access key and the secret key):\n${token}` };
        }
        case "list": {
          if (rest.length > 1) throw new UsageError("usage: strata auth token list [<user>]");
          const tokens = access.listTokens(rest[0]);
          return { json: tokens, text: tokens.map(describeToken).join("\n") || "(no tokens)" };
        }
        case "revoke": {
          const [id] = need(1, "token revoke <id|token>", rest);
          const info = await access.revokeToken(id);
          return { json: { revoked: info }, text: `revoked token ${info.id} of ${info.user}` };
        }
      }
      break;
  }
  throw new UsageError(`unknown command: strata auth ${p.words.join(" ")} (see strata auth --help)`);
}

/** Runs `strata auth <args>`; returns the exit code (0 ok, 1 failed, 2 usage). */
export async function runAuthCommand(args: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(args);
  } catch (err) {
    console.error(`strata auth: ${(err as Error).message}`);
    return 2;
  }
  if (parsed.help || parsed.words.length === 0) {
    (parsed.help ? console.log : console.error)(HELP);
    return parsed.help ? 0 : 2;
  }
  if (parsed.words[0] !== "enable" && !fs.existsSync(parsed.dataDir)) {
    console.error(`strata auth: no data dir at ${parsed.dataDir} (give --data-dir)`);
    return 1;
  }
  let store: Store;
  try {
    store = Store.open(parsed.dataDir);
  } catch (err) {
    console.error(`strata auth: ${(err as Error).message}`);
    return 1;
  }
  try {
    const out = await run(new AccessControl(store), parsed);
    console.log(parsed.json ? JSON.stringify(out.json, null, 2) : out.text);
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof AccessError)) throw err;
    console.error(`strata auth: ${err.message}`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await store.close();
  }
}
