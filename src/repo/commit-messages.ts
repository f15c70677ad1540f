// The message of a commit that S3 writes made (no one wrote one): what `strata log` and the console show for it,
// so a history of plain PUTs and DELETEs reads like one, not like a column of blanks.
import type { KeyWrite } from "./versioned-store.ts";

/** Keys longer than this are cut in a message (a key may be 1,024 bytes; a log line should stay one line). */
const KEY_CHARS = 60;

/** `"photos/a.jpg"`, cut with an ellipsis past KEY_CHARS; control characters escaped (JSON string syntax). */
export function quoteKey(key: string): string {
  const chars = [...key];
  return JSON.stringify(chars.length > KEY_CHARS ? `${chars.slice(0, KEY_CHARS - 1).join("")}…` : key);
}

/**
 * What a commit of these writes did, in a few words: `put "a.txt"`, `deleted 3 keys ("a" and 2 more)`; a commit
 * that purged versions (`purged`: the [key, version] pairs it removed) says that instead.
 */
export function writesMessage(writes: readonly KeyWrite[], purged: ReadonlyArray<readonly [string, string]>): string {
  if (purged.length) {
    const [key, version] = purged[0];
    return purged.length === 1 ? `purged version ${version} of ${quoteKey(key)}` : `purged ${purged.length} versions (${quoteKey(key)} ${version} and more)`;
  }
  const deletes = writes.filter((w) => "delete" in w).length;
  const verb = deletes === writes.length ? "deleted" : deletes === 0 ? "put" : "wrote";
  if (writes.length === 1) return `${verb} ${quoteKey(writes[0].key)}`;
  return `${verb} ${writes.length} keys (${quoteKey(writes[0].key)} and ${writes.length - 1} more)`;
}
