// Concurrent boto3 writers (test/distributed/load.py) through gateways while something goes wrong underneath (a
// gateway, PostgreSQL or the object store stopped or restarted), and the checks every such test makes afterwards.
import { expect } from "bun:test";
import { spawn } from "node:child_process";
import * as path from "node:path";

const LOAD = path.join(import.meta.dir, "../distributed/load.py");

/** One line of load.py's output: a write acknowledged (ack) or refused (fail), a read that failed (readfail). */
export type LoadLine = { ack?: string; sha?: string; fail?: string; readfail?: string; error?: string };

/** What S3 answers while a part the gateways need is down. */
export const OUTAGE_CODES = ["ServiceUnavailable", "SlowDown"];

/**
 * Runs load.py's `writers` × `each` writes into `bucket` through the gateways at `urls`, and calls `disrupt` once,
 * as soon as `after` writes are acknowledged. Resolves with every line once the load has ended.
 */
export function loadWithDisruption(urls: string[], bucket: string, options: { writers: number; each: number; after: number }, disrupt: () => Promise<unknown> | void): Promise<LoadLine[]> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [LOAD, "load", bucket, urls.join(","), String(options.writers), String(options.each)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let disrupted = false;
    child.stdout.on("data", (d) => {
      out += d;
      if (!disrupted && out.split("\n").filter((l) => l.includes('"ack"')).length >= options.after) {
        disrupted = true;
        Promise.resolve(disrupt()).catch(reject);
      }
    });
    child.on("error", reject);
    child.on("close", () => {
      if (!disrupted) return reject(new Error(`the load ended before ${options.after} writes were acknowledged`));
      resolve(out.split("\n").slice(0, -1).map((l) => JSON.parse(l) as LoadLine));
    });
  });
}

const sha256 = async (res: Response) => new Bun.CryptoHasher("sha256").update(new Uint8Array(await res.arrayBuffer())).digest("hex");

/** Every acknowledged write reads back whole through the gateway at `url` (a 503 while it recovers is retried). */
export async function expectAcksReadBack(url: string, bucket: string, acks: LoadLine[]): Promise<void> {
  for (const a of acks) {
    let res = await fetch(`${url}/${bucket}/${a.ack}`);
    for (let i = 0; res.status === 503 && i < 100; i++) res = await new Promise((r) => setTimeout(r, 100)).then(() => fetch(`${url}/${bucket}/${a.ack}`));
    expect(res.status).toBe(200);
    expect(await sha256(res)).toBe(a.sha!);
  }
}

/**
 * A write answered with an error is not half-applied: its key is absent or, when `landed` allows it (the commit
 * landed and only its answer was lost with the connection), holds its bytes whole. Each key is written once.
 */
export async function expectFailedWritesNotHalfApplied(url: string, bucket: string, failed: LoadLine[], landed: boolean): Promise<void> {
  for (const f of failed) {
    const res = await fetch(`${url}/${bucket}/${f.fail}`);
    if (res.status === 404) continue;
    expect(landed).toBe(true);
    expect(res.status).toBe(200);
    expect(await sha256(res)).toBe(f.sha!);
  }
}
