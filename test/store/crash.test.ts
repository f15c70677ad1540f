import { expect, test } from "bun:test";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { expectedDigest, openService, sha256Hex } from "../helpers/repo.ts";
import { rng, tmpDir } from "../helpers/tmp-dir.ts";

const WRITER = path.join(import.meta.dir, "crash-writer.ts");
const ROUNDS = 20;

type Line = { ready?: true; intent?: string; ack?: string; sha: string; etag?: string; commit?: string };

/** Runs the writer until it has acknowledged some writes, then SIGKILLs it at a random moment. */
function runAndKill(dir: string, round: number, delayMs: number): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, String(round)], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stdout.on("data", (d) => {
      out += d;
      if (!timer && out.includes('"ready"')) timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") return reject(new Error(`writer exited ${code}: ${err}`));
      // Only whole lines count: a line cut by the kill was never fully reported.
      resolve(out.split("\n").slice(0, -1).map((l) => JSON.parse(l) as Line));
    });
  });
}

test(`crash: SIGKILL at random moments (${ROUNDS} rounds) loses no acknowledged write and half-shows none`, async () => {
  const dir = tmpDir("crash");
  const rand = rng(31);
  const acked: Line[] = [];
  let lastAcked = new Map<string, Line>();
  let totalAcks = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const lines = await runAndKill(dir, round, 30 + Math.floor(rand() * 400));
    const acks = lines.filter((l) => l.ack);
    totalAcks += acks.length;
    acked.push(...acks);
    // Writes in flight at the kill: each may be wholly visible or not at all.
    const inFlight = new Map<string, Set<string>>();
    for (const l of lines) {
      if (l.intent) inFlight.set(l.intent, (inFlight.get(l.intent) ?? new Set()).add(l.sha));
      if (l.ack) inFlight.get(l.ack)!.delete(l.sha);
    }
    for (const l of acks) lastAcked.set(l.ack!, l);

    const svc = openService(dir);
    try {
      for (const a of acked) {
        const bytes = await svc.getObject("r", "main", a.ack!, a.commit);
        expect(bytes && sha256Hex(bytes)).toBe(a.sha);
        expect(svc.statObject("r", "main", a.ack!, a.commit)!.etag).toBe(a.etag!);
      }
      // The head of each key is its last acknowledged version or a complete in-flight one, never anything else.
      const head = new Map<string, Line>();
      for (const key of new Set([...lastAcked.keys(), ...inFlight.keys()])) {
        const m = svc.statObject("r", "main", key);
        const bytes = await svc.getObject("r", "main", key);
        const sha = bytes && sha256Hex(bytes);
        expect(m?.etag).toBe(bytes ? expectedDigest(bytes) : undefined);
        const allowed = new Set([lastAcked.get(key)?.sha, ...(inFlight.get(key) ?? [])]);
        expect(allowed.has(sha)).toBe(true);
        if (sha) head.set(key, { ack: key, sha, etag: m!.etag });
      }
      lastAcked = head; // an in-flight write that made it is what the next round builds on
      const log = [...svc.versions.log("r", "main")];
      expect(log.length).toBeGreaterThanOrEqual(acked.length);
      const report = await svc.fsck();
      expect(report.problems).toEqual([]);
      expect(report.packs.damaged).toEqual([]);
    } finally {
      await svc.close();
    }
  }
  expect(totalAcks).toBeGreaterThan(ROUNDS * 3);
}, 90_000);
