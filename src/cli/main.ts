// The strata command's verbs: dispatch, flag parsing (one option spec for every verb, `serve` included), help,
// exit codes. The verb table is COMMANDS: a new verb is one more entry in a module under commands/.
import process from "node:process";
import { parseArgs } from "node:util";
import { RefSyntaxError } from "../repo/ref-names.ts";
import { DEFAULT_SERVER, StrataClient } from "./client.ts";
import type { Command, Io, OptionSpec, OptionValues } from "./command.ts";
import { authCommands } from "./commands/auth.ts";
import { commitCommands } from "./commands/commits.ts";
import { fileCommands } from "./commands/files.ts";
import { hashCommand } from "./commands/hash.ts";
import { maintenanceCommands } from "./commands/maintenance.ts";
import { repoCommands } from "./commands/repos.ts";
import { runCommand } from "./commands/run.ts";
import { workflowCommands } from "./commands/workflows.ts";
import { CliError, EXIT, EXIT_MEANINGS, usageError } from "./exit.ts";
import { nearest } from "./suggest.ts";

/** Every client verb; `serve` is added by the composition root (it needs the server). */
export const COMMANDS: Command[] = [...repoCommands, ...commitCommands, ...workflowCommands, ...fileCommands, ...maintenanceCommands, hashCommand, runCommand, ...authCommands];

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  server: { type: "string", help: `URL  the Strata server (default $STRATA_SERVER, else ${DEFAULT_SERVER})` },
  ca: { type: "string", env: "STRATA_CA", help: "FILE  trust this CA certificate (PEM) for an https server, e.g. a self-signed one" },
  json: { type: "boolean", help: "print one JSON document for scripts" },
  help: { type: "boolean", short: "h", help: "show this help" },
};

/**
 * The groups the verbs make, from their names alone: every leading run of words of a longer verb ("auth" and
 * "auth user" from "auth user create"), with its verbs in table order. `strata <group> --help` lists one.
 */
export function verbGroups(commands: Command[]): Map<string, Command[]> {
  const groups = new Map<string, Command[]>();
  for (const c of commands) {
    const words = c.name.split(" ");
    for (let n = 1; n < words.length; n++) {
      const group = words.slice(0, n).join(" ");
      groups.set(group, [...(groups.get(group) ?? []), c]);
    }
  }
  return groups;
}

export function generalHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 5);
  const topGroups = [...verbGroups(commands).keys()].filter((g) => !g.includes(" "));
  return [
    "strata: an S3 server over a versioned store of repos, branches and commits",
    "",
    "usage: strata <verb> [args] [--server URL] [--json]",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Refs are written like buckets: repo (its master branch), branch.repo, commit.repo, commit.branch.repo.",
    `Every verb has --help with an example; \`strata <group> --help\` lists a group (${topGroups.join(", ")}).`,
    "With AWS_ACCESS_KEY_ID set, requests are signed (SigV4). `strata --version` prints the version.",
    "",
    "exit codes (`strata run` passes on its command's own):",
    ...Object.entries(EXIT_MEANINGS).map(([code, meaning]) => `  ${code}  ${meaning}`),
  ].join("\n");
}

function groupHelp(group: string, members: Command[]): string {
  const width = Math.max(...members.map((c) => c.name.length));
  return [
    `usage: strata ${group} <verb> [args]`,
    "",
    ...members.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Each has --help with an example, e.g. strata ${members[0].name} --help`,
  ].join("\n");
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const [valueName, ...rest] = o.type === "string" ? o.help.split("  ") : ["", o.help];
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${valueName ? ` ${valueName}` : ""}`;
    const help = o.type === "string" ? rest.join("  ") : o.help;
    return [flag, o.env ? `${help} [$${o.env}]` : help];
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

/** The longest verb the words start with (verbs have one to three words). */
function didYouMean(group: string, guess: string | undefined): string {
  return guess ? `; did you mean "${group ? `${group} ` : ""}${guess}"?` : "";
}

function findCommand(commands: Command[], words: string[]): { command?: Command; consumed: number } {
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const name = words.slice(0, n).join(" ");
    const command = commands.find((c) => c.name === name);
    if (command) return { command, consumed: n };
  }
  return { consumed: 0 };
}

const FALSE_WORDS = ["0", "false", "no", "off", ""];

/**
 * Flags as parsed, then STRATA_* variables for options that name one, then each string option's choices
 * checked. Throws a usage error.
 */
function optionValues(options: Record<string, OptionSpec>, args: string[], env: Record<string, string | undefined>): { values: OptionValues; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const values = parsed.values as OptionValues;
  for (const [name, spec] of Object.entries(options)) {
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (values[name] === undefined && fromEnv !== undefined && fromEnv !== "") {
      values[name] = spec.type === "boolean" ? !FALSE_WORDS.includes(fromEnv.toLowerCase()) : spec.multiple ? fromEnv.split(",").filter(Boolean) : fromEnv;
    }
    const value = values[name];
    if (spec.choices && value !== undefined && !(Array.isArray(value) ? value : [value]).every((v) => spec.choices!.includes(String(v)))) {
      throw usageError(`--${name} must be one of ${spec.choices.join(", ")}`);
    }
  }
  return { values, positionals: parsed.positionals };
}

/** Runs one command line; resolves to the exit code. */
export async function runCli(argv: string[], io: Io, commands: Command[] = COMMANDS, env: Record<string, string | undefined> = process.env): Promise<number> {
  const dashes = argv.indexOf("--");
  const head = dashes < 0 ? argv : argv.slice(0, dashes);
  const rest = dashes < 0 ? [] : argv.slice(dashes + 1);
  const asked = head.includes("--help") || head.includes("-h");
  if (head.length === 0 || head[0] === "help" || ((head[0] === "--help" || head[0] === "-h") && head.length === 1)) {
    // `strata help <verb>` and `strata help <group>` are the verb's or the group's --help.
    const words = head.slice(1);
    const topic = head[0] === "help" ? findCommand(commands, words).command : undefined;
    const group = head[0] === "help" ? verbGroups(commands).get(words.join(" ")) : undefined;
    (head.length === 0 ? io.err : io.out)(topic ? commandHelp(topic) : group ? groupHelp(words.join(" "), group) : generalHelp(commands));
    return head.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const { command, consumed } = findCommand(commands, head);
  if (!command) {
    // A group word (`strata auth`, `strata auth user --help`): list what it holds; --help asked for that.
    const words = head.filter((w) => !w.startsWith("-"));
    const groups = verbGroups(commands);
    for (let n = words.length; n >= 1; n--) {
      const group = words.slice(0, n).join(" ");
      const members = groups.get(group);
      if (!members) continue;
      if (n < words.length) {
        const guess = nearest(words[n], members.map((c) => c.name.split(" ")[n]));
        io.err(`strata: unknown verb ${JSON.stringify(words.slice(0, n + 1).join(" "))}${didYouMean(group, guess)}\n\n${groupHelp(group, members)}`);
        return EXIT.usage;
      }
      (asked ? io.out : io.err)(groupHelp(group, members));
      return asked ? EXIT.ok : EXIT.usage;
    }
    // The whole verb list would bury the one line that matters: the typo, and what was probably meant.
    const word = words[0] ?? head[0];
    io.err(`strata: unknown verb ${JSON.stringify(word)}${didYouMean("", nearest(word, commands.map((c) => c.name.split(" ")[0])))}\nsee: strata --help`);
    return EXIT.usage;
  }
  const json = head.includes("--json");
  try {
    const { values, positionals } = optionValues({ ...command.options, ...GLOBAL_OPTIONS }, head.slice(consumed), env);
    if (values.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    const [min, max] = command.args;
    if (positionals.length < min || positionals.length > max || (rest.length > 0 && !command.takesRest)) {
      throw usageError(`usage: strata ${command.name} ${command.usage}`);
    }
    let client: StrataClient | undefined;
    const code = await command.run({
      json,
      io,
      values,
      positionals,
      rest,
      client: () => (client ??= StrataClient.fromEnv(values.server as string | undefined, values.ca as string | undefined, env)),
    });
    return code ?? EXIT.ok;
  } catch (err) {
    const failure = err instanceof CliError
      ? err
      : err instanceof RefSyntaxError
        ? new CliError(EXIT.usage, err.message, "InvalidRef")
        : new CliError(EXIT.failure, String((err as Error)?.stack ?? err));
    io.err(`strata ${command.name}: ${failure.message}${failure.exitCode === EXIT.usage ? `\nsee: strata ${command.name} --help` : ""}`);
    if (json) io.out(JSON.stringify({ error: { code: failure.code ?? "Error", message: failure.message, exitCode: failure.exitCode, ...failure.details } }, null, 2));
    return failure.exitCode;
  }
}
