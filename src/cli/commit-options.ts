// What every verb that makes a commit takes besides its changes: a message (-m) and key/value metadata
// (--meta k=v, repeatable), read into the admin API's {message, meta}.
import type { OptionValues } from "./command.ts";
import { usageError } from "./exit.ts";

export const COMMIT_OPTIONS = {
  message: { type: "string", short: "m", help: "TEXT  the commit message" },
  meta: { type: "string", multiple: true, help: "K=V  metadata recorded in the commit (repeatable)" },
} as const;

/** `--meta k=v` flags as an object (undefined without any); a flag with no `=` or an empty key, or a key given twice, is a usage error. */
export function metaOf(values: OptionValues): Record<string, string> | undefined {
  const flags = (values.meta as string[] | undefined) ?? [];
  if (flags.length === 0) return undefined;
  const meta: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    if (eq <= 0) throw usageError(`--meta ${flag}: write KEY=VALUE (e.g. --meta ticket=T-12)`);
    const key = flag.slice(0, eq);
    if (Object.hasOwn(meta, key)) throw usageError(`--meta ${key} is given twice`);
    meta[key] = flag.slice(eq + 1);
  }
  return meta;
}

/** The admin API's commit fields from the parsed flags. */
export function commitDetails(values: OptionValues): { message?: string; meta?: Record<string, string> } {
  return { message: values.message as string | undefined, meta: metaOf(values) };
}
