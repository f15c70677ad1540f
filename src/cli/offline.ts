// Verbs that work on a stopped server's data dir (--data-dir): fsck, gc, auth. The dir must already be one
// (a mistyped path never becomes a new empty store), and no server may hold it.
import { DataDirError } from "../store/data-dir.ts";
import { CliError, EXIT } from "./exit.ts";

export const DATA_DIR_OPTION = {
  "data-dir": { type: "string", help: "DIR  work offline on a stopped server's data dir" },
} as const;

/** Runs `fn`, turning a data dir that can't be used into exit 2 (missing, not one) or 4 (in use). */
export async function offline<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof DataDirError)) throw err;
    const inUse = err.problem === "in-use";
    throw new CliError(inUse ? EXIT.conflict : EXIT.usage, `${err.message}${inUse ? " (or run this against it with --server)" : ""}`, inUse ? "DataDirInUse" : "NoDataDir");
  }
}
