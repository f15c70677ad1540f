// Packs written before FORMAT 2 (STRPACK1, CRC32C records) stay readable, take appends with their own
// checksum, and are verified like new ones; a version-1 data dir is marked version 2 on open.
import { describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { digest } from "../../src/hash/hashing.ts";
import { BlobCorruptError, BlobStore } from "../../src/store/blob-store.ts";
import { verifyPacks } from "../../src/store/pack-verify.ts";
import { encodeRecord, PACK_MAGICS, packName, type PackVersion } from "../../src/store/pack-format.ts";
import { scanPack } from "../../src/store/pack-scan.ts";
import { FORMAT_VERSION } from "../../src/store/data-dir.ts";
import { Store } from "../../src/store/store.ts";
import { rng, tmpDir } from "../helpers/tmp-dir.ts";

function payload(seed: number, size: number): Uint8Array {
  const rand = rng(seed);
  return Uint8Array.from({ length: size }, () => Math.floor(rand() * 256));
}

/** A pack file of the given version holding `blobs`, as that version's writer laid it out. */
function writePack(file: string, version: PackVersion, blobs: Uint8Array[]): string[] {
  const parts: Uint8Array[] = [PACK_MAGICS[version - 1]];
  const hashes: string[] = [];
  for (const b of blobs) {
    const hash = digest("sha256", b);
    parts.push(...encodeRecord(version, "chunk", hash, b));
    hashes.push(Buffer.from(hash).toString("hex"));
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.concat(parts));
  return hashes;
}

describe("pack versions", () => {
  test("the two versions checksum records differently", () => {
    const dir = tmpDir();
    const data = [payload(1, 1000)];
    writePack(path.join(dir, "v1.pack"), 1, data);
    writePack(path.join(dir, "v2.pack"), 2, data);
    const v1 = fs.readFileSync(path.join(dir, "v1.pack"));
    const v2 = fs.readFileSync(path.join(dir, "v2.pack"));
    expect(v1.subarray(8, -4)).toEqual(v2.subarray(8, -4));
    expect(v1.subarray(-4)).not.toEqual(v2.subarray(-4));
    expect(scanPack(path.join(dir, "v1.pack")).version).toBe(1);
    expect(scanPack(path.join(dir, "v2.pack")).version).toBe(2);
  });

  test("a STRPACK1 active pack is read, appended to in its own format, and new packs are STRPACK2", async () => {
    const dir = tmpDir();
    const old = [payload(2, 5000), payload(3, 70)];
    const oldHashes = writePack(path.join(dir, "packs", packName(1)), 1, old);
    let blobs = new BlobStore(dir, { packLimit: 1 << 20 });
    oldHashes.forEach((h, i) => expect(blobs.get(h)).toEqual(old[i]));
    const added = payload(4, 3000);
    const addedHash = blobs.put("chunk", added);
    await blobs.sync();
    blobs.close();
    const scan = scanPack(path.join(dir, "packs", packName(1)));
    expect(scan.version).toBe(1);
    expect(scan.records.map((r) => r.intact)).toEqual([true, true, true]);

    blobs = new BlobStore(dir, { packLimit: 1 }); // the next put seals the old pack, then a STRPACK2 starts
    blobs.put("chunk", payload(5, 10));
    const newer = payload(6, 10);
    const newerHash = blobs.put("chunk", newer);
    expect(blobs.get(addedHash)).toEqual(added);
    expect(blobs.get(newerHash)).toEqual(newer);
    expect(scanPack(path.join(dir, "packs", packName(2))).version).toBe(2);
    expect((await verifyPacks(blobs)).damaged).toEqual([]);
    blobs.close();
  });

  test("damage in a STRPACK1 record is caught on read, alone or in a run read at once", () => {
    const dir = tmpDir();
    const file = path.join(dir, "packs", packName(1));
    const data = [payload(7, 2000), payload(8, 10)];
    const hashes = writePack(file, 1, data);
    const into = new Uint8Array(4096);
    let blobs = new BlobStore(dir, { packLimit: 1 << 20 });
    expect(blobs.readRun(hashes, into)).toEqual(data); // CRC32C records checked as such
    blobs.close();
    const bytes = fs.readFileSync(file);
    bytes[8 + 37 + 100] ^= 1;
    fs.writeFileSync(file, bytes);
    blobs = new BlobStore(dir, { packLimit: 1 << 20 });
    expect(() => blobs.get(hashes[0])).toThrow(BlobCorruptError);
    expect(() => blobs.readRun(hashes, into)).toThrow(BlobCorruptError);
    blobs.close();
  });

  for (const older of [1, 2, 3, 4, 5]) {
    test(`a version-${older} data dir opens and is marked version ${FORMAT_VERSION} before anything new is written`, async () => {
      const dir = tmpDir();
      await Store.open(dir).close();
      fs.writeFileSync(path.join(dir, "FORMAT"), `strata-data ${older}\n`);
      const store = Store.open(dir);
      expect(fs.readFileSync(path.join(dir, "FORMAT"), "utf8")).toBe(`strata-data ${FORMAT_VERSION}\n`);
      await store.close();
    });
  }
});
