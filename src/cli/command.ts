// What a verb is: its help (usage, options, an example) and what it runs. The dispatcher parses flags for it.
import type { StrataClient } from "./client.ts";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** shown in --help; the value's name for string options goes first, e.g. "TEXT  the commit message" */
  help: string;
}

export interface Io {
  /** a line to stdout */
  out(text: string): void;
  /** a line to stderr */
  err(text: string): void;
  /** raw text to stderr, no newline (redrawn progress) */
  status(text: string): void;
  /** whether stderr is a terminal (progress bars) */
  tty: boolean;
}

export interface CommandContext {
  json: boolean;
  io: Io;
  /** the server the verb talks to (made on first use: offline verbs never need one) */
  client(): StrataClient;
  values: Record<string, string | boolean | string[] | undefined>;
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
  run(ctx: CommandContext): Promise<number | void>;
}
