// The background scrub: finds a record whose bytes rotted (checksum) and one that is whole but not what its
// name says (SHA-256), reads at the rate it is given, and lets go of a pack that gc dropped mid-pass.
import { describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { serveConfig } from "../../src/config.ts";
import { BlobStore } from "../../src/store/blob-store.ts";
import { bodyChecksum, packName, RECORD_HEAD } from "../../src/store/pack-format.ts";
import type { DamagedRecord } from "../../src/store/pack-verify.ts";
import { Scrubber } from "../../src/store/scrub.ts";
import { withServer } from "../helpers/server.ts";
import { rng, tmpDir } from "../helpers/tmp-dir.ts";

/** A scrubber that notes the pauses it would take instead of taking them. */
class RecordingScrubber extends Scrubber {
  slept = 0;
  protected override sleep(ms: number): Promise<void> {
    this.slept += ms;
    return Promise.resolve();
  }
}

function filledStore(n: number, size: number, packLimit = 64 * 1024): { dir: string; blobs: BlobStore; hashes: string[] } {
  const dir = tmpDir();
  const blobs = new BlobStore(dir, { packLimit });
  const rand = rng(7);
  const hashes = Array.from({ length: n }, () => {
    const b = new Uint8Array(size);
    for (let k = 0; k < b.length; k++) b[k] = Math.floor(rand() * 256);
    return blobs.put("chunk", b);
  });
  blobs.beginGc(); // seals the active pack: the scrub walks sealed packs only
  blobs.endGc();
  return { dir, blobs, hashes };
}

describe("scrub", () => {
  test("an intact store: every record checked, nothing reported, one pass counted", async () => {
    const { blobs } = filledStore(50, 5000);
    const found: DamagedRecord[] = [];
    const scrub = new RecordingScrubber(blobs, 1 << 30, (d) => found.push(d));
    expect(await scrub.pass()).toBe(50);
    expect(found).toEqual([]);
    expect(scrub.stats).toEqual({ passes: 1, records: 50, bytes: 250_000, damaged: 0 });
    blobs.close();
  });

  test("finds rotted bytes (checksum) and a whole record with the wrong bytes (hash-mismatch)", async () => {
    const { dir, blobs, hashes } = filledStore(50, 5000);
    const rotted = blobs.where(hashes[3])!;
    const swapped = blobs.where(hashes[20])!;
    const write = (pack: number, at: number, bytes: Uint8Array) => {
      const fd = fs.openSync(path.join(dir, "packs", packName(pack)), "r+");
      fs.writeSync(fd, bytes, 0, bytes.length, at);
      fs.closeSync(fd);
    };
    write(rotted.pack, rotted.offset + 10, new Uint8Array([blobs.get(hashes[3])[10] ^ 0xff]));
    // Rewrite a payload and its record checksum consistently: only the SHA-256 can tell.
    const fd = fs.openSync(path.join(dir, "packs", packName(swapped.pack)), "r");
    const body = new Uint8Array(1 + 32 + swapped.length);
    fs.readSync(fd, body, 0, body.length, swapped.offset - RECORD_HEAD + 4);
    fs.closeSync(fd);
    body[1 + 32 + 100] ^= 1;
    const crc = new Uint8Array(4);
    new DataView(crc.buffer).setUint32(0, bodyChecksum(2, body), true);
    write(swapped.pack, swapped.offset - RECORD_HEAD + 4, body);
    write(swapped.pack, swapped.offset + swapped.length, crc);

    const fresh = new BlobStore(dir, { packLimit: 64 * 1024 }); // reads from the files, not a cache
    blobs.close();
    const found: DamagedRecord[] = [];
    const scrub = new RecordingScrubber(fresh, 1 << 30, (d) => found.push(d));
    await scrub.pass();
    expect(found.map((d) => [d.hash, d.problem]).sort()).toEqual(
      [[hashes[3], "checksum"], [hashes[20], "hash-mismatch"]].sort() as Array<[string, string]>,
    );
    expect(scrub.stats.damaged).toBe(2);
    fresh.close();
  });

  test("reads no faster than its rate: pauses add up to bytes / rate", async () => {
    const { blobs } = filledStore(200, 20_000); // 4 MB
    const rate = 1024 * 1024;
    const scrub = new RecordingScrubber(blobs, rate, () => {});
    await scrub.pass();
    const seconds = scrub.slept / 1000;
    // Pauses come after each 256 KiB burst, so the last partial burst may go unpaused.
    expect(seconds).toBeGreaterThan(4_000_000 / rate - 0.3);
    expect(seconds).toBeLessThanOrEqual(4_000_000 / rate + 0.01);
    blobs.close();
  });

  test("a pack dropped by gc during a pass is skipped, and stop() ends a running scrub", async () => {
    const { blobs } = filledStore(500, 5000, 1024 * 1024);
    const packs = blobs.sealedPacks().map((p) => p.seq);
    expect(packs.length).toBeGreaterThan(2); // the first pause falls inside the first pack, which then goes
    class Dropping extends RecordingScrubber {
      protected override sleep(ms: number): Promise<void> {
        if (blobs.sealedPacks().some((p) => p.seq === packs[0])) blobs.dropPack(packs[0]);
        return super.sleep(ms);
      }
    }
    const found: DamagedRecord[] = [];
    const scrub = new Dropping(blobs, 1 << 30, (d) => found.push(d));
    await scrub.pass();
    expect(found).toEqual([]);
    expect(scrub.stats.records).toBeLessThan(500);
    expect(scrub.stats.records).toBeGreaterThan(500 - blobs.packEntries(packs[1]).length);

    const live = new Scrubber(blobs, 64 * 1024, () => {}); // slow: would take many seconds
    live.start();
    await new Promise((r) => setTimeout(r, 50));
    await live.stop();
    expect(live.stats.passes).toBe(0);
    blobs.close();
  });
});

describe("serve --scrub-rate", () => {
  test("parses sizes per second, 0 turns the scrub off, anything else is a usage error", () => {
    expect(serveConfig({}).scrubRate).toBe(2 * 1024 * 1024);
    expect(serveConfig({ "scrub-rate": "8MiB" }).scrubRate).toBe(8 * 1024 * 1024);
    expect(serveConfig({ "scrub-rate": "0" }).scrubRate).toBe(0);
    expect(() => serveConfig({ "scrub-rate": "fast" })).toThrow(/--scrub-rate/);
  });

  test("a running server scrubs (its counters are on /metrics) unless the rate is 0", async () => {
    for (const [scrubRate, shown] of [[1 << 20, true], [0, false]] as const) {
      const server = await withServer({ scrubRate });
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics.includes("strata_scrub_damaged_records_total 0")).toBe(shown);
      await server.stop();
    }
  });
});
