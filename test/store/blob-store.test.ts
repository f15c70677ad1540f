import { describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { BlobCorruptError, BlobMissingError, BlobStore } from "../../src/store/blob-store.ts";
import { idxName, packName, RECORD_OVERHEAD } from "../../src/store/pack-format.ts";
import { scanPack } from "../../src/store/pack-scan.ts";
import { rng, tmpDir } from "../helpers/tmp-dir.ts";

function payloads(n: number, seed: number, max = 300): Uint8Array[] {
  const rand = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const b = new Uint8Array(1 + Math.floor(rand() * max));
    for (let k = 0; k < b.length; k++) b[k] = Math.floor(rand() * 256);
    b[0] = i & 0xff;
    return b;
  });
}

const packFiles = (dir: string) => fs.readdirSync(path.join(dir, "packs")).sort();

describe("blob store", () => {
  test("stores each blob once and reads it back after reopening", async () => {
    const dir = tmpDir();
    const data = payloads(100, 1);
    let blobs = new BlobStore(dir, { packLimit: 1 << 30 });
    const hashes = data.map((d) => blobs.put("chunk", d));
    const size = blobs.stats().bytes;
    for (const d of data) blobs.put("chunk", d);
    expect(blobs.stats().bytes).toBe(size);
    await blobs.sync();
    blobs.close();
    blobs = new BlobStore(dir, { packLimit: 1 << 30 });
    hashes.forEach((h, i) => expect(blobs.get(h)).toEqual(data[i]));
    expect(() => blobs.get("00".repeat(32))).toThrow(BlobMissingError);
    blobs.close();
  });

  test("seals packs at the limit with a sorted index, and rebuilds a missing or damaged index", () => {
    const dir = tmpDir();
    const data = payloads(300, 2);
    let blobs = new BlobStore(dir, { packLimit: 4096 });
    const hashes = data.map((d) => blobs.put("manifest", d));
    const { packs } = blobs.stats();
    expect(packs).toBeGreaterThan(5);
    blobs.close();
    const idx = packFiles(dir).filter((n) => n.endsWith(".idx"));
    expect(idx.length).toBe(packs - 1);
    fs.rmSync(path.join(dir, "packs", idx[0]));
    const damaged = path.join(dir, "packs", idx[1]);
    const bytes = fs.readFileSync(damaged);
    bytes[20] ^= 1;
    fs.writeFileSync(damaged, bytes);
    blobs = new BlobStore(dir, { packLimit: 4096 });
    hashes.forEach((h, i) => {
      expect(blobs.get(h)).toEqual(data[i]);
      expect(blobs.where(h)?.kind).toBe("manifest");
    });
    expect([...blobs.entries()].length).toBe(data.length);
    blobs.close();
    expect(fs.readFileSync(damaged)).not.toEqual(bytes); // rewritten
  });

  test("indexes are read when a lookup first walks them, not at open; a truncated one finds nothing until it is rebuilt", () => {
    const dir = tmpDir();
    const data = payloads(300, 5);
    let blobs = new BlobStore(dir, { packLimit: 4096 });
    const hashes = data.map((d) => blobs.put("manifest", d));
    const before = blobs.stats();
    blobs.close();
    const idx = packFiles(dir).filter((n) => n.endsWith(".idx"));
    // An index that cannot be read (a directory in its place) cannot stop an open that never reads it.
    const unreadable = path.join(dir, "packs", idx[0]);
    const kept = fs.readFileSync(unreadable);
    fs.rmSync(unreadable);
    fs.mkdirSync(unreadable);
    const truncated = path.join(dir, "packs", idx[3]);
    const bytes = fs.readFileSync(truncated);
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 7));
    blobs = new BlobStore(dir, { packLimit: 4096 });
    fs.rmdirSync(unreadable);
    fs.writeFileSync(unreadable, kept);
    expect(blobs.stats().blobs).toBe(before.blobs - 1); // the truncated index's size counts one entry fewer
    hashes.forEach((h, i) => expect(blobs.get(h)).toEqual(data[i]));
    expect(blobs.stats().blobs).toBe(before.blobs); // rebuilt from its pack by the lookup that missed
    blobs.close();
    expect(fs.readFileSync(truncated)).toEqual(bytes);
  });

  test("an index is checked when a lookup first needs it, not at open: damage in a location field is caught before use", () => {
    const dir = tmpDir();
    const data = payloads(300, 4);
    let blobs = new BlobStore(dir, { packLimit: 4096 });
    const hashes = data.map((d) => blobs.put("manifest", d));
    blobs.close();
    const idx = packFiles(dir).filter((n) => n.endsWith(".idx"));
    const damaged = path.join(dir, "packs", idx[2]);
    const bytes = fs.readFileSync(damaged);
    bytes[12 + 32] ^= 0x10; // the first entry's offset (after the magic, the count and its 32-byte hash)
    fs.writeFileSync(damaged, bytes);
    blobs = new BlobStore(dir, { packLimit: 4096 });
    expect(fs.readFileSync(damaged)).toEqual(bytes); // opening did not check it
    hashes.forEach((h, i) => expect(blobs.get(h)).toEqual(data[i])); // never a read at the damaged offset
    blobs.close();
    expect(fs.readFileSync(damaged)).not.toEqual(bytes); // rebuilt from its pack
  });

  test("a crash right after sealing does not append to the sealed pack", () => {
    const dir = tmpDir();
    const data = payloads(60, 3);
    let blobs = new BlobStore(dir, { packLimit: 4096 });
    for (const d of data) blobs.put("chunk", d);
    blobs.close();
    // Simulate dying between writing the index and creating the next pack.
    const packs = packFiles(dir).filter((n) => n.endsWith(".pack"));
    const newest = packs.at(-1)!;
    fs.rmSync(path.join(dir, "packs", newest));
    const sealedSize = fs.statSync(path.join(dir, "packs", packs.at(-2)!)).size;
    blobs = new BlobStore(dir, { packLimit: 4096 });
    const extra = payloads(5, 99);
    for (const d of extra) blobs.put("chunk", d);
    blobs.close();
    expect(fs.statSync(path.join(dir, "packs", packs.at(-2)!)).size).toBe(sealedSize);
    expect(fs.existsSync(path.join(dir, "packs", newest))).toBe(true);
  });

  test("a torn tail of the active pack is cut at the last whole record, at any byte", async () => {
    const dir = tmpDir();
    const data = payloads(12, 4);
    const blobs = new BlobStore(dir, { packLimit: 1 << 30 });
    const hashes = data.map((d) => blobs.put("chunk", d));
    blobs.close();
    const file = path.join(dir, "packs", packName(1));
    const full = fs.readFileSync(file);
    const ends = scanPack(file).records.map((r) => r.offset + r.length + 4);
    for (let cut = 0; cut <= full.length; cut += 13) {
      fs.writeFileSync(file, full.subarray(0, cut));
      const reopened = new BlobStore(dir, { packLimit: 1 << 30 });
      const whole = ends.filter((e) => e <= cut).length;
      hashes.forEach((h, i) => expect(reopened.has(h)).toBe(i < whole));
      for (let i = 0; i < whole; i++) expect(reopened.get(hashes[i])).toEqual(data[i]);
      // Appending after recovery yields a pack that scans cleanly.
      reopened.put("chunk", new Uint8Array([1, 2, 3, cut & 255]));
      reopened.close();
      const rescan = scanPack(file);
      expect(rescan.unreadable).toEqual([]);
      expect(rescan.records.every((r) => r.intact)).toBe(true);
      expect(rescan.records.length).toBe(whole + 1);
    }
  });

  test("a damaged record fails loudly; a damaged length is skipped by resync; neighbours stay readable", () => {
    const dir = tmpDir();
    const data = payloads(20, 5, 200).map((d) => (d.length < 40 ? new Uint8Array(40).fill(7, 1) : d));
    let blobs = new BlobStore(dir, { packLimit: 1 << 30 });
    const hashes = data.map((d, i) => blobs.put("chunk", d.map((b, k) => (k === 0 ? i : b))));
    blobs.close();
    const file = path.join(dir, "packs", packName(1));
    const records = scanPack(file).records;
    const bytes = fs.readFileSync(file);
    bytes[records[5].offset + 10] ^= 0x40; // payload of record 5
    bytes[records[9].offset - 37] ^= 0x7f; // length prefix of record 9
    fs.writeFileSync(file, bytes);
    const scan = scanPack(file);
    expect(scan.records.filter((r) => !r.intact).map((r) => r.hash)).toEqual([hashes[5]]);
    expect(scan.unreadable.length).toBe(1);
    expect(scan.records.length).toBe(19);
    expect(scan.end).toBe(bytes.length);
    blobs = new BlobStore(dir, { packLimit: 1 << 30 });
    expect(() => blobs.get(hashes[5])).toThrow(BlobCorruptError);
    expect(() => blobs.get(hashes[9])).toThrow(BlobMissingError);
    for (const i of [0, 4, 6, 8, 10, 19]) expect(blobs.get(hashes[i])[0]).toBe(i);
    blobs.close();
    expect(fs.statSync(file).size).toBe(bytes.length); // nothing truncated: the damage is not a torn tail
  });

  test("readRun reads blobs stored back to back with one read into the caller's buffer, as far as they fit", async () => {
    const dir = tmpDir();
    const data = Array.from({ length: 8 }, (_, i) => new Uint8Array(100).fill(i + 1));
    let blobs = new BlobStore(dir, { packLimit: 1 << 30 });
    const hashes = data.map((d) => blobs.put("chunk", d));
    // Still waiting in memory: the blob comes alone, as that memory.
    const waiting = new Uint8Array(1000);
    expect(blobs.readRun(hashes, waiting)).toEqual([data[0]]);
    await blobs.sync();
    blobs.close();
    blobs = new BlobStore(dir, { packLimit: 1 << 30 });
    const into = new Uint8Array(3 * (RECORD_OVERHEAD + 100) + 5);
    const run = blobs.readRun(hashes, into);
    expect(run).toEqual(data.slice(0, 3)); // a fourth would not fit
    for (const p of run) expect(p.buffer).toBe(into.buffer);
    expect(blobs.readRun(hashes.slice(3), new Uint8Array(RECORD_OVERHEAD + 99))).toEqual([]); // not even the first fits
    // Not back to back: the run stops before the gap, or before a blob in another order.
    expect(blobs.readRun([hashes[4], hashes[6], hashes[7]], into)).toEqual([data[4]]);
    expect(blobs.readRun([hashes[7], hashes[6]], into)).toEqual([data[7]]);
    expect(() => blobs.readRun(["00".repeat(32)], into)).toThrow(BlobMissingError);
    blobs.close();
  });

  test("readRun refuses a run in which any record of a sealed pack is damaged on disk, at every byte of it", async () => {
    const dir = tmpDir();
    const data = Array.from({ length: 3 }, (_, i) => new Uint8Array(60).fill(i + 1));
    // Sealed after the third record: the locations come from its index, so every damage is met on the read.
    const packLimit = 8 + 3 * (RECORD_OVERHEAD + 60);
    let blobs = new BlobStore(dir, { packLimit });
    const hashes = data.map((d) => blobs.put("chunk", d));
    expect(blobs.sealedPacks().map((p) => p.seq)).toEqual([1]);
    blobs.close();
    const file = path.join(dir, "packs", packName(1));
    const clean = fs.readFileSync(file);
    const second = scanPack(file).records[1];
    const into = new Uint8Array(4096);
    // Every byte of the middle record: length, kind, hash, payload and checksum.
    for (let at = second.offset - 37; at < second.offset + second.length + 4; at++) {
      const bytes = Buffer.from(clean);
      bytes[at] ^= 0x01;
      fs.writeFileSync(file, bytes);
      blobs = new BlobStore(dir, { packLimit });
      expect(() => blobs.readRun(hashes, into), `flipped byte ${at}`).toThrow(BlobCorruptError);
      blobs.close();
    }
  });

  test("record overhead and index names follow the documented format", () => {
    expect(RECORD_OVERHEAD).toBe(41);
    expect(idxName(7)).toBe("00000007.idx");
  });
});
