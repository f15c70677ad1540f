// Data dirs the CLI opens itself: fsck, gc and auth on a stopped server's dir (--data-dir), which must already be one
// (a mistyped path never becomes a new empty store), and no server may hold it.
import { DataDirError } from "../store/data-dir.ts";
import { CliError, EXIT } from "./exit.ts";

export const DATA_DIR_OPTION = {
  "data-dir": { type: "string", help: "DIR  work offline on a stopped server's data dir" },
} as const;

/** Runs `fn` (which opens the data dir), turning a dir that can't be used into exit 2 (missing, not one) or 4 (in use). */
export async function usingDataDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof DataDirError)) throw err;
    const inUse = err.problem === "in-use";
    throw new CliError(inUse ? EXIT.conflict : EXIT.usage, `${err.message}${inUse ? " (a running server's data is reached with --server)" : ""}`, inUse ? "DataDirInUse" : "NoDataDir");
  }
}
