// The data directory: its format file and the lock that gives one process ownership of it.
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { fsyncDir } from "./fs-async.ts";

export const FORMAT_NAME = "strata-data";
export const FORMAT_VERSION = 1;

export class DataDirError extends Error {}

/** Creates the directory and its FORMAT file, or checks that an existing one is a format we read. */
export function prepareDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const formatFile = path.join(dir, "FORMAT");
  if (!fs.existsSync(formatFile)) {
    if (fs.readdirSync(dir).some((n) => n !== "LOCK")) {
      throw new DataDirError(`${dir} is not empty and has no FORMAT file: refusing to use it as a Strata data dir`);
    }
    const fd = fs.openSync(formatFile, "w");
    fs.writeSync(fd, `${FORMAT_NAME} ${FORMAT_VERSION}\n`);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fsyncDir(dir);
    return;
  }
  const [name, version] = fs.readFileSync(formatFile, "utf8").trim().split(/\s+/);
  if (name !== FORMAT_NAME) throw new DataDirError(`${dir}/FORMAT does not describe a Strata data dir`);
  if (Number(version) > FORMAT_VERSION) {
    throw new DataDirError(`${dir} has format version ${version}; this Strata reads up to ${FORMAT_VERSION}`);
  }
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
      const fd = fs.openSync(lockFile, "wx");
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
        throw new DataDirError(`data dir ${dir} is in use by another Strata process (pid ${owner}); stop it or pick another --data-dir`);
      }
      fs.rmSync(lockFile, { force: true }); // left behind by a process that died
    }
  }
  throw new DataDirError(`could not lock data dir ${dir}`);
}
