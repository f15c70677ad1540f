// What a verb is: its help (usage, options, an example) and what it runs. The dispatcher parses flags for it.
// Verbs are one to three words ("ls", "repo create", "auth user create"); the first word of a longer one is
// its group (`strata repo --help` lists the group).
import type { StrataClient } from "./client.ts";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** shown in --help; the value's name for string options goes first, e.g. "TEXT  the commit message" */
  help: string;
  /** the environment variable that gives the value when the flag is absent (flags win) */
  env?: string;
  /** the only values a string option takes */
  choices?: readonly string[];
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface Io {
  /** a line to stdout */
  out(text: string): void;
  /** a line to stderr */
  err(text: string): void;
  /** raw text to stderr, no newline (redrawn progress) */
  status(text: string): void;
  /** raw bytes to stdout (an object to `-`); resolves once the bytes are handed on, so memory stays bounded */
  write(bytes: Uint8Array): Promise<void>;
  /** whether stderr is a terminal (progress bars) */
  tty: boolean;
  /** whether stdout is a terminal (human summaries instead of JSON) */
  stdoutTty: boolean;
}

export interface CommandContext {
  json: boolean;
  io: Io;
  /** the server the verb talks to (made on first use: offline verbs never need one) */
  client(): StrataClient;
  values: OptionValues;
  positionals: string[];
  /** what followed `--` (strata run) */
  rest: string[];
}

export interface Command {
  /** "repo create", "ls", ... */
  name: string;
  summary: string;
  /** arguments after the verb, e.g. "<branch.repo> [--from <commit|branch>]" */
  usage: string;
  example: string;
  options?: Record<string, OptionSpec>;
  /** how many positionals the verb takes */
  args: [min: number, max: number];
  /** text after the option list in --help */
  notes?: string;
  /** takes what follows `--` (strata run) */
  takesRest?: boolean;
  run(ctx: CommandContext): Promise<number | void>;
}
