// A small tmpfs of its own for full-disk tests (the test runs as root, as CI does on this machine kind). Where
// mounting is not permitted, `skip` says why and the tests skip instead of failing.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "bun:test";

export interface SmallDisk {
  dir?: string;
  skip?: string;
}

export function smallDisk(mib: number): SmallDisk {
  if (process.platform !== "linux") return { skip: "full-disk tests need Linux tmpfs" };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-fulldisk-"));
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${mib}m,mode=0700`, "tmpfs", dir], { encoding: "utf8" });
  if (mounted.status !== 0) {
    fs.rmdirSync(dir);
    const skip = `full-disk tests skipped: cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || "").trim()})`;
    console.warn(skip);
    return { skip };
  }
  afterAll(() => {
    spawnSync("umount", ["-l", dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir };
}

/** Fills the disk holding `dir` to the last byte with a file `name` (removed to give the space back). */
export function fillDisk(dir: string, name = "ballast"): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, "a");
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (let size = block.length; size >= 1; size = Math.floor(size / 2)) {
      for (;;) {
        try {
          fs.writeSync(fd, block, 0, size);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOSPC") break;
          throw err;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}
