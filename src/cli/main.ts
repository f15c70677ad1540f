// The strata command's verbs (all but `serve`, which main.ts runs): dispatch, flag parsing, help, exit codes.
import { parseArgs } from "node:util";
import { RefSyntaxError } from "../repo/ref-names.ts";
import { DEFAULT_SERVER, StrataClient } from "./client.ts";
import type { Command, Io, OptionSpec } from "./command.ts";
import { commitCommands } from "./commands/commits.ts";
import { fileCommands } from "./commands/files.ts";
import { hashCommand } from "./commands/hash.ts";
import { maintenanceCommands } from "./commands/maintenance.ts";
import { repoCommands } from "./commands/repos.ts";
import { runCommand } from "./commands/run.ts";
import { CliError, EXIT } from "./exit.ts";

export const COMMANDS: Command[] = [...repoCommands, ...commitCommands, ...fileCommands, ...maintenanceCommands, hashCommand, runCommand];

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  server: { type: "string", help: `URL  the Strata server (default $STRATA_SERVER, else ${DEFAULT_SERVER})` },
  json: { type: "boolean", help: "print one JSON document for scripts" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length), 5);
  return [
    "strata: an S3 server over a versioned store of repos, branches and commits",
    "",
    "usage: strata <verb> [args] [--server URL] [--json]",
    "",
    `  ${"serve".padEnd(width)}  run the server (strata serve --help for its flags)`,
    `  ${"auth".padEnd(width)}  users, tokens and roles (strata auth --help)`,
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Refs are written like buckets: repo (its master branch), branch.repo, commit.repo, commit.branch.repo.",
    "Every verb has --help with an example. With AWS_ACCESS_KEY_ID set, requests are signed (SigV4).",
    "Exit codes: 0 ok, 1 failure, 2 usage or invalid input, 3 not found, 4 conflict (exists, not empty,",
    "open commit), 5 server unreachable, 6 access denied (credentials); `strata run` passes on its command's exit code.",
  ].join("\n");
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const [valueName, ...rest] = o.type === "string" ? o.help.split("  ") : ["", o.help];
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${valueName ? ` ${valueName}` : ""}`;
    return [flag, o.type === "string" ? rest.join("  ") : o.help];
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`);
}

export function commandHelp(c: Command): string {
  return [
    `usage: strata ${c.name} ${c.usage}`.trimEnd(),
    "",
    c.summary,
    "",
    "options:",
    ...optionLines({ ...c.options, ...GLOBAL_OPTIONS }),
    ...(c.notes ? ["", c.notes] : []),
    "",
    "example:",
    `  ${c.example}`,
  ].join("\n");
}

function findCommand(words: string[]): { command?: Command; consumed: number } {
  const two = COMMANDS.find((c) => c.name === `${words[0]} ${words[1]}`);
  if (two) return { command: two, consumed: 2 };
  const one = COMMANDS.find((c) => c.name === words[0]);
  return { command: one, consumed: one ? 1 : 0 };
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  const dashes = argv.indexOf("--");
  const head = dashes < 0 ? argv : argv.slice(0, dashes);
  const rest = dashes < 0 ? [] : argv.slice(dashes + 1);
  if (head.length === 0 || head[0] === "help" || head[0] === "--help" || head[0] === "-h") {
    const topic = head[0] === "help" ? findCommand(head.slice(1)).command : undefined;
    io.out(topic ? commandHelp(topic) : generalHelp());
    return head.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const { command, consumed } = findCommand(head);
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${head[0]} `));
    io.err(group.length
      ? `strata ${head[0]}: say what to do: ${group.map((c) => c.name.split(" ")[1]).join(", ")} (e.g. ${group[0].example})`
      : `strata: unknown verb ${JSON.stringify(head[0])}\n\n${generalHelp()}`);
    return EXIT.usage;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: head.slice(consumed), options: { ...command.options, ...GLOBAL_OPTIONS }, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`strata ${command.name}: ${(err as Error).message}\nsee: strata ${command.name} --help`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  const [min, max] = command.args;
  if (positionals.length < min || positionals.length > max || (rest.length > 0 && command !== runCommand)) {
    io.err(`usage: strata ${command.name} ${command.usage}\nsee: strata ${command.name} --help`);
    return EXIT.usage;
  }
  let client: StrataClient | undefined;
  const json = values.json === true;
  try {
    const code = await command.run({
      json,
      io,
      values: values as Record<string, string | boolean | string[] | undefined>,
      positionals,
      rest,
      client: () => (client ??= StrataClient.fromEnv(values.server as string | undefined)),
    });
    return code ?? EXIT.ok;
  } catch (err) {
    const failure = err instanceof CliError
      ? err
      : err instanceof RefSyntaxError
        ? new CliError(EXIT.usage, err.message, "InvalidRef")
        : new CliError(EXIT.failure, String((err as Error)?.stack ?? err));
    io.err(`strata ${command.name}: ${failure.message}`);
    if (json) io.out(JSON.stringify({ error: { code: failure.code ?? "Error", message: failure.message, exitCode: failure.exitCode } }, null, 2));
    return failure.exitCode;
  }
}
