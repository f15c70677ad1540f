// File writes the store relies on: whole writes, durable replacement of small files, and promise wrappers for
// the few node:fs calls that must not block the event loop (fsync above all).
import * as fs from "node:fs";
import * as path from "node:path";
import { DiskFullError, isNoSpace } from "../util/unavailable.ts";

/**
 * Everything in a data dir is the server's alone (the journal holds token hashes): files are made 0600,
 * directories 0700 (a umask can only take bits away).
 */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Creates (or truncates) `file` holding `bytes`, readable by the owner only. */
export function createPrivateFile(file: string, bytes: Uint8Array): void {
  try {
    fs.writeFileSync(file, bytes, { mode: FILE_MODE });
  } catch (err) {
    throw noSpace(err, file);
  }
}

/** A write that found the disk (or quota) full becomes DiskFullError, which callers undo and clients see as 503. */
function noSpace(err: unknown, file: string): unknown {
  return isNoSpace(err) ? new DiskFullError(`writing ${file}: ${(err as Error).message}`) : err;
}

export const fdatasync = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));

/**
 * Writes all of `parts` at `position` with writev (a short write continues where it stopped). `parts` itself is
 * left as it was, so a caller can write it again after a failure. A full disk throws DiskFullError: what did land
 * is the caller's to cut off.
 */
export function writeAllAt(fd: number, parts: Uint8Array[], position: number): void {
  let pending = parts.filter((p) => p.length > 0);
  try {
    while (pending.length > 0) {
      let n = fs.writevSync(fd, pending, position);
      position += n;
      while (pending.length > 0 && n >= pending[0].length) n -= pending.shift()!.length;
      if (n > 0) pending[0] = pending[0].subarray(n);
    }
  } catch (err) {
    throw noSpace(err, `fd ${fd}`);
  }
}

/**
 * Replaces `file` with `parts` so that a crash leaves the old file or the new one, both whole: a temporary file
 * written in full and fsynced, renamed over it, then the directory fsynced.
 */
export function writeFileDurably(file: string, ...parts: Uint8Array[]): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, "w", FILE_MODE);
  try {
    writeAllAt(fd, parts, 0);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.rmSync(tmp, { force: true }); // a full disk must not keep a half-written copy
    throw err;
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/** Makes a rename or file creation in `dir` durable. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
