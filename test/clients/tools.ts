// Running real client programs against a test server: find them, run them without blocking the event loop
// (the server runs in this process), and skip loudly when one is missing.
import { accessSync, constants } from "node:fs";
import * as path from "node:path";
import { run as runProcess } from "../helpers/process.ts";

/** Whether a program is on PATH. */
export function has(program: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Says loudly that a client's tests are skipped, and why; returns whether to skip. */
export function missing(program: string): boolean {
  if (has(program)) return false;
  console.warn(`\n!!!!! SKIPPED: ${program} is not installed; its client tests did not run (scripts/install-clients.sh installs it) !!!!!\n`);
  return true;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(program: string, args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string } = {}): Promise<RunResult> {
  const r = await runProcess(program, args, { ...options, env: { ...process.env, ...options.env } });
  return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs and fails with the program's output unless it exits 0. */
export async function runOk(program: string, args: string[], options: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run(program, args, options);
  if (r.code !== 0) throw new Error(`${program} ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Credentials and settings every AWS tool gets: no real account, no metadata service probing. */
export const AWS_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: "x",
  AWS_SECRET_ACCESS_KEY: "x",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
};

/** Keys that have broken S3 servers: spaces, '+', '%', unicode, '//', a leading '/', and 1024 bytes. */
export const AWKWARD_KEYS = [
  "with space.txt",
  "plus+sign",
  "per%cent%20literal",
  "unicodé/日本語/😀.bin",
  "double//slash",
  "/leading-slash",
  "question?hash#amp&eq=",
  "x".repeat(1018) + "é".repeat(3), // 1024 bytes of UTF-8
];
