// The data directory: its format file and the lock that gives one process ownership of it (docs/format.md,
// "Data directory" and "Format history").
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { utf8 } from "../util/bytes.ts";
import { DIR_MODE, FILE_MODE, writeFileDurably } from "./fs-async.ts";

export const FORMAT_NAME = "strata-data";
/**
 * 1: packs STRPACK1 (CRC32C records). 2: new packs are STRPACK2 (CRC32 records); STRPACK1 packs stay
 * valid. 3: a tree root may be an overlay node (`v: -1`, see src/repo/tree.ts), which older binaries
 * cannot read. 4: repos may have a purge index and versions may be null versions (docs/format.md,
 * "Versions"); an older binary would serve purged versions again. 5: merge commits, tags and protected branches
 * (docs/format.md, "Branch workflows"); an older binary would write to protected branches and misread ancestry
 * through merges. 6: repos may have a tag index (object tags changed after their versions were written,
 * docs/format.md, "Object tags"); an older binary's gc would drop its nodes. An older dir is upgraded on open by rewriting FORMAT before anything new is written, so
 * an older binary refuses the dir instead of misreading it.
 */
export const FORMAT_VERSION = 6;

/** Why a data dir can't be used: it isn't there (and may not be made), it is something else, or another process has it. */
export type DataDirProblem = "missing" | "invalid" | "in-use";

export class DataDirError extends Error {
  constructor(message: string, readonly problem: DataDirProblem) {
    super(message);
  }
}

/**
 * Creates the directory and its FORMAT file, or checks that an existing one is a format we read. With
 * `mustExist` (tools working on a server's dir: a mistyped path must not become a new empty store) a dir
 * without FORMAT is refused instead.
 */
export function prepareDataDir(dir: string, options: { mustExist?: boolean } = {}): void {
  const formatFile = path.join(dir, "FORMAT");
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new DataDirError(`${dir} is a file, not a data dir (give a folder)`, "invalid");
  if (options.mustExist && !fs.existsSync(formatFile)) {
    throw new DataDirError(`no Strata data dir at ${dir}${stat ? " (the folder has no FORMAT file)" : ""}; check the path`, "missing");
  }
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  // A dir made by someone else (or by an older Strata) is closed too: what is inside is only as private as it.
  if ((fs.statSync(dir).mode & 0o777) !== DIR_MODE) fs.chmodSync(dir, DIR_MODE);
  if (!fs.existsSync(formatFile)) {
    if (fs.readdirSync(dir).some((n) => n !== "LOCK" && n !== "FORMAT.tmp")) {
      throw new DataDirError(`${dir} is not empty and has no FORMAT file: refusing to use it as a Strata data dir`, "invalid");
    }
    writeFormat(dir);
    return;
  }
  const [name, version] = fs.readFileSync(formatFile, "utf8").trim().split(/\s+/);
  if (name !== FORMAT_NAME) throw new DataDirError(`${dir}/FORMAT does not describe a Strata data dir`, "invalid");
  if (Number(version) > FORMAT_VERSION) {
    throw new DataDirError(`${dir} has format version ${version}; this Strata reads up to ${FORMAT_VERSION}`, "invalid");
  }
  if (Number(version) < FORMAT_VERSION) writeFormat(dir);
}

/** Writes FORMAT atomically (temp file, fsync, rename, fsync of the dir). */
function writeFormat(dir: string): void {
  writeFileDurably(path.join(dir, "FORMAT"), utf8(`${FORMAT_NAME} ${FORMAT_VERSION}\n`));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the data dir's LOCK file; a live owner makes this fail with a message naming it. Returns the release function. */
export function lockDataDir(dir: string): () => void {
  const lockFile = path.join(dir, "LOCK");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, "wx", FILE_MODE);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      return () => {
        const owner = fs.existsSync(lockFile) ? fs.readFileSync(lockFile, "utf8").trim() : undefined;
        if (owner === String(process.pid)) fs.rmSync(lockFile, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number.parseInt(fs.readFileSync(lockFile, "utf8"), 10);
      if (owner && owner !== process.pid && pidAlive(owner)) {
        throw new DataDirError(`data dir ${dir} is in use by another Strata process (pid ${owner}); stop it or pick another --data-dir`, "in-use");
      }
      fs.rmSync(lockFile, { force: true }); // left behind by a process that died
    }
  }
  throw new DataDirError(`could not lock data dir ${dir}`, "in-use");
}
