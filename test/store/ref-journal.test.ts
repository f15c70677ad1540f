import { describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { RefJournal, RefJournalError } from "../../src/store/ref-journal.ts";
import { rng, tmpDir } from "../helpers/tmp-dir.ts";

const journalOf = (dir: string) => path.join(dir, "refs.journal");

async function writeHistory(dir: string, n: number): Promise<Array<Map<string, unknown>>> {
  const j = new RefJournal(dir);
  const states: Array<Map<string, unknown>> = [new Map()];
  const model = new Map<string, unknown>();
  const rand = rng(n);
  for (let i = 0; i < n; i++) {
    const key = `k${Math.floor(rand() * 10)}`;
    const value = rand() < 0.2 ? null : { i, text: "x".repeat(Math.floor(rand() * 50)) };
    j.stage([{ key, value }]);
    await j.write(j.take());
    if (value === null) model.delete(key);
    else model.set(key, value);
    states.push(new Map(model));
  }
  j.close();
  return states;
}

const snapshot = (j: RefJournal) => new Map(j.list("", "latest"));

describe("ref journal", () => {
  test("replays every flushed record after reopening", async () => {
    const dir = tmpDir();
    const states = await writeHistory(dir, 50);
    const j = new RefJournal(dir);
    expect(snapshot(j)).toEqual(states.at(-1)!);
    j.close();
  });

  test("a torn tail at any byte is cut off and the state is that of the last whole record", async () => {
    const dir = tmpDir();
    const states = await writeHistory(dir, 20);
    const full = fs.readFileSync(journalOf(dir));
    // Record boundaries: the state after record i is states[i].
    const ends: number[] = [];
    for (let at = 8; at < full.length; ) {
      at += 8 + full.readUInt32LE(at);
      ends.push(at);
    }
    for (let cut = 8; cut <= full.length; cut += 7) {
      fs.writeFileSync(journalOf(dir), full.subarray(0, cut));
      const whole = ends.filter((e) => e <= cut).length;
      const j = new RefJournal(dir);
      expect(snapshot(j)).toEqual(states[whole]);
      j.close();
      expect(fs.statSync(journalOf(dir)).size).toBe(whole === 0 ? 8 : ends[whole - 1]);
    }
  });

  test("garbage after the last record (a torn write) is dropped", async () => {
    const dir = tmpDir();
    const states = await writeHistory(dir, 5);
    fs.appendFileSync(journalOf(dir), new Uint8Array([200, 0, 0, 0, 1, 2, 3]));
    const j = new RefJournal(dir);
    expect(snapshot(j)).toEqual(states.at(-1)!);
    j.close();
  });

  test("damage with intact records after it refuses to open instead of losing acknowledged refs", async () => {
    const dir = tmpDir();
    await writeHistory(dir, 10);
    const bytes = fs.readFileSync(journalOf(dir));
    bytes[20] ^= 0xff;
    fs.writeFileSync(journalOf(dir), bytes);
    expect(() => new RefJournal(dir)).toThrow(RefJournalError);
    expect(fs.readFileSync(journalOf(dir)).length).toBe(bytes.length); // evidence kept
  });

  test("compaction keeps the state, shrinks the file and survives reopening; staged records land after it", async () => {
    const dir = tmpDir();
    const j = new RefJournal(dir, { compactMinBytes: 4096 });
    const model = new Map<string, unknown>();
    for (let i = 0; i < 400; i++) {
      const key = `branch/r/b${i % 7}`;
      j.stage([{ key, value: { head: i } }]);
      model.set(key, { head: i });
      if (i % 3 === 0) await j.write(j.take());
    }
    await j.write(j.take());
    expect(j.stats().compactions).toBeGreaterThan(0);
    expect(j.stats().bytes).toBeLessThan(4096 * 2);
    expect(snapshot(j)).toEqual(model);
    j.close();
    // A crash during compaction leaves a temp file beside an intact journal; it is ignored.
    fs.writeFileSync(`${journalOf(dir)}.tmp`, "half a snapshot");
    const again = new RefJournal(dir);
    expect(snapshot(again)).toEqual(model);
    again.close();
  });

  test("latest shows staged changes at once; durable only after the write", async () => {
    const dir = tmpDir();
    const j = new RefJournal(dir);
    j.stage([{ key: "a", value: 1 }]);
    expect(j.get("a", "latest")).toBe(1);
    expect(j.get("a", "durable")).toBeUndefined();
    const batch = j.take();
    j.stage([{ key: "b", value: 2 }]);
    await j.write(batch);
    expect(j.get("a", "durable")).toBe(1);
    expect(j.get("b", "durable")).toBeUndefined();
    await j.write(j.take());
    expect(j.get("b", "durable")).toBe(2);
    j.close();
  });
});
