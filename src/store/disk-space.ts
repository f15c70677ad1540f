// The data dir's free space, and the reserve kept for deletes and gc. New object data (chunks) is
// refused with DiskFullError once writing it would leave less than the reserve free; everything else (deletes,
// purges, aborts, gc's copies, small metadata writes) may use the reserve, so a full box can always be cleaned
// up without a restart. The reserve is not a file: free space is read with statfs, so nothing is preallocated.
import * as fs from "node:fs";
import { DiskFullError } from "../util/unavailable.ts";

export const DEFAULT_DISK_RESERVE_BYTES = 64 * 1024 * 1024;

/** Free bytes for unprivileged writers on the file system holding `dir` (the seam tests replace). */
export type FreeSpace = (dir: string) => number;

export const statfsFree: FreeSpace = (dir) => {
  const s = fs.statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
};

/** statfs is asked again at least this often, and whenever the estimate nears the reserve. */
const RECHECK_MS = 1000;

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

export class DiskSpace {
  private known = { free: Infinity, at: -Infinity };
  /** Bytes admitted since statfs was last asked: the estimate is the last answer less these. */
  private since = 0;

  constructor(private readonly dir: string, readonly reserve: number = DEFAULT_DISK_RESERVE_BYTES, private readonly freeSpace: FreeSpace = statfsFree) {}

  /** Free bytes now: statfs's answer (`fresh`), else a recent one less what was admitted since. */
  free(fresh = false): number {
    return this.refresh(fresh);
  }

  /**
   * Admits `bytes` of new object data, or throws DiskFullError when they would leave less than the reserve free.
   * Only a fresh statfs answer refuses (an estimate that says no is checked first).
   */
  admit(bytes: number): void {
    let free = this.refresh(false);
    if (free - bytes < this.reserve) free = this.refresh(true);
    if (free - bytes < this.reserve) {
      throw new DiskFullError(`${mib(free)} free on ${this.dir}, ${mib(this.reserve)} kept in reserve for deletes and gc (--disk-reserve-mib)`);
    }
    this.since += bytes;
  }

  private refresh(force: boolean): number {
    const now = performance.now();
    if (force || now - this.known.at >= RECHECK_MS) {
      this.known = { free: this.freeSpace(this.dir), at: now };
      this.since = 0;
    }
    return this.known.free - this.since;
  }
}
