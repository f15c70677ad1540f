import { expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { BlobCorruptError } from "../../src/store/blob-store.ts";
import { packName } from "../../src/store/pack-format.ts";
import { openService, sha256Hex } from "../helpers/repo.ts";
import { rng, tmpDir } from "../helpers/tmp-dir.ts";

const PACK_LIMIT = 24 * 1024;

test("flipped bytes in a sealed pack and in the active pack's tail: damaged reads fail, others succeed, fsck names exactly them", async () => {
  const dir = tmpDir();
  const rand = rng(21);
  let svc = openService(dir, { packLimit: PACK_LIMIT });
  await svc.versions.createBranch("r", "main");
  const objects: Array<{ key: string; sha: string; chunk: string }> = [];
  const sealedSeqs = () => svc.store.blobs.sealedPacks().map((p) => p.seq);
  // Write until the newest object's chunk sits in the active pack (a write can end by sealing it).
  for (let i = 0; i < 24 || sealedSeqs().includes(svc.store.blobs.where(objects.at(-1)!.chunk)!.pack); i++) {
    const body = Uint8Array.from({ length: 2000 + i }, () => Math.floor(rand() * 256));
    const { manifest } = await svc.putObject("r", "main", `obj${i}`, body);
    objects.push({ key: `obj${i}`, sha: sha256Hex(body), chunk: svc.manifests.get(manifest).chunks[0][0] });
  }
  const sealedVictim = objects[2];
  const activeVictim = objects.at(-1)!; // the last object: its chunk sits in the active pack, followed by its commit's records
  const sealedLoc = svc.store.blobs.where(sealedVictim.chunk)!;
  const activeLoc = svc.store.blobs.where(activeVictim.chunk)!;
  expect(sealedSeqs()).toContain(sealedLoc.pack);
  expect(sealedSeqs()).not.toContain(activeLoc.pack);
  await svc.close();

  for (const loc of [sealedLoc, activeLoc]) {
    const file = path.join(dir, "packs", packName(loc.pack));
    const bytes = fs.readFileSync(file);
    bytes[loc.offset + 100] ^= 0x10;
    bytes[loc.offset + 101] ^= 0x01;
    fs.writeFileSync(file, bytes);
  }

  svc = openService(dir, { packLimit: PACK_LIMIT });
  for (const o of objects) {
    if (o === sealedVictim || o === activeVictim) {
      await expect(svc.getObject("r", "main", o.key)).rejects.toThrow(BlobCorruptError);
    } else {
      expect(sha256Hex((await svc.getObject("r", "main", o.key))!)).toBe(o.sha);
    }
  }
  const report = await svc.fsck();
  expect(report.ok).toBe(false);
  expect(report.packs.damaged.map((d) => d.hash).sort()).toEqual([sealedVictim.chunk, activeVictim.chunk].sort());
  expect(report.problems.map((p) => [p.hash, p.kind, p.problem]).sort()).toEqual(
    [[sealedVictim.chunk, "chunk", "damaged"], [activeVictim.chunk, "chunk", "damaged"]].sort(),
  );
  expect(report.problems.find((p) => p.hash === sealedVictim.chunk)!.where).toContain(`key ${sealedVictim.key}`);
  expect(report.problems.find((p) => p.hash === activeVictim.chunk)!.where).toContain(`key ${activeVictim.key}`);
  // The damage is not mistaken for a torn tail: writing on keeps the damaged record where it was.
  await svc.putObject("r", "main", "after", new Uint8Array([1, 2, 3]));
  expect((await svc.fsck()).packs.damaged.length).toBe(2);
  await svc.close();
});
