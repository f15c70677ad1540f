// A 2 GiB object up and down through the aws CLI while the server (a separate process) keeps its RSS under 250 MB.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, startServerProcess } from "../helpers/process.ts";
import { tempDir } from "../helpers/server.ts";
import { AWS_ENV, missing, runOk } from "./tools.ts";

const SIZE = 2 * 1024 ** 3;
const RSS_LIMIT = 250 * 1024 * 1024;
const skip = missing("aws") || missing("head");

const rssOf = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
};

async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest("hex");
}

test.skipIf(skip)("2 GiB through the aws CLI with server RSS under 250 MB", async () => {
  const dir = tempDir("strata-big-");
  const port = await freePort();
  const server = await startServerProcess(process.execPath, [path.join(import.meta.dir, "../../src/main.ts"), "serve", "--port", String(port), "--bind", "127.0.0.1", "--data-dir", path.join(dir, "data"), "--quiet"], { port, env: process.env as Record<string, string> });
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(server.proc.pid!));
    } catch {
      // the process is gone
    }
  }, 100);
  try {
    const file = path.join(dir, "big.bin");
    await runOk("sh", ["-c", `head -c ${SIZE} /dev/urandom > '${file}'`]);
    const digest = await sha256File(file);
    const aws = (...args: string[]) => runOk("aws", ["--endpoint-url", `http://127.0.0.1:${port}`, ...args], { env: AWS_ENV });
    await aws("s3", "mb", "s3://big");
    const started = performance.now();
    await aws("s3", "cp", "--no-progress", file, "s3://big/big.bin");
    const uploaded = performance.now();
    fs.rmSync(file);
    await aws("s3", "cp", "--no-progress", "s3://big/big.bin", file);
    const downloaded = performance.now();
    expect(fs.statSync(file).size).toBe(SIZE);
    expect(await sha256File(file)).toBe(digest);
    const mib = SIZE / 1024 ** 2;
    console.log(`2 GiB: upload ${(mib / ((uploaded - started) / 1000)).toFixed(0)} MiB/s, download ${(mib / ((downloaded - uploaded) / 1000)).toFixed(0)} MiB/s, server peak RSS ${(peak / 1024 ** 2).toFixed(0)} MiB`);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(RSS_LIMIT);
  } finally {
    clearInterval(sampler);
    server.proc.kill("SIGTERM");
    await server.exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
