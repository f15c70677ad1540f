// A file's bytes in memory without copying them, where the runtime can map files (Bun.mmap), else read.
import * as fs from "node:fs";

declare const Bun: { mmap?(path: string, options?: { shared?: boolean }): Uint8Array } | undefined;

/**
 * The bytes of a file that is never changed in place (written whole and renamed into place, removed only by
 * unlinking): mapped privately under Bun, so only the pages read are brought in and nothing is copied; read
 * under Deno, and for an empty file (which cannot be mapped). A mapping of a file truncated behind its back would
 * fault on access, which is why only such files are mapped.
 */
export function mapFile(file: string): Uint8Array {
  if (typeof Bun !== "undefined" && Bun.mmap) {
    try {
      return Bun.mmap(file, { shared: false });
    } catch {
      // an empty file, or one that cannot be mapped: read it (a missing one fails there too)
    }
  }
  return fs.readFileSync(file);
}
