// NAME=VALUE flags: `strata run --input`, and `--meta` of the verbs that make commits. One parser, one message.
import type { OptionSpec, OptionValues } from "./command.ts";
import { usageError } from "./exit.ts";

/**
 * Repeated `NAME=VALUE` flags as an object; a missing name or `=`, or a name given twice, is a usage error that
 * shows the form (`shape`) and an `example`.
 */
export function parsePairs(raw: readonly string[], flag: string, form: { shape: string; example: string }): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of raw) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw usageError(`${flag} ${item}: write ${form.shape}, e.g. ${flag} ${form.example}`);
    const name = item.slice(0, eq);
    if (Object.hasOwn(pairs, name)) throw usageError(`${flag} ${name} is given twice`);
    pairs[name] = item.slice(eq + 1);
  }
  return pairs;
}

/** `--meta KEY=VALUE` (repeatable): key/value metadata a commit carries, shown by `log` and `commit inspect`. */
export const META_OPTION: OptionSpec = { type: "string", multiple: true, help: "KEY=VALUE  metadata the commit carries (repeatable)" };

/** The parsed `--meta` flags, or undefined without any. */
export function metaOf(values: OptionValues): Record<string, string> | undefined {
  const meta = parsePairs((values.meta as string[] | undefined) ?? [], "--meta", { shape: "KEY=VALUE", example: "owner=ana" });
  return Object.keys(meta).length ? meta : undefined;
}
