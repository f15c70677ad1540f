import { describe, expect, test } from "bun:test";
import { fsck, gc } from "../../src/repo/maintenance.ts";
import { openService, sha256Hex } from "../helpers/repo.ts";
import { rng, tmpDir } from "../helpers/tmp-dir.ts";

function randomBytes(rand: () => number, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 4) {
    const v = (rand() * 2 ** 32) >>> 0;
    out[i] = v;
    out[i + 1] = v >>> 8;
    out[i + 2] = v >>> 16;
    out[i + 3] = v >>> 24;
  }
  return out;
}

describe("gc", () => {
  test("removes dropped open commits and aborted uploads, keeps every version of every key", async () => {
    const dir = tmpDir();
    const rand = rng(11);
    let svc = openService(dir, { packLimit: 32 * 1024 });
    await svc.versions.createBranch("r", "main");
    const kept: Array<{ key: string; commit: string; sha: string }> = [];
    for (let i = 0; i < 20; i++) {
      const body = randomBytes(rand, 3000);
      const { commit } = await svc.putObject("r", "main", `k${i % 5}`, body);
      kept.push({ key: `k${i % 5}`, commit, sha: sha256Hex(body) });
    }
    await svc.versions.startCommit("r", "main");
    for (let i = 0; i < 20; i++) await svc.putObject("r", "main", `junk${i}`, randomBytes(rand, 5000));
    await svc.versions.dropCommit("r", "main");
    const upload = await svc.multipart.create("r", "main", { key: "mp", created: 1, template: {} });
    const part = await svc.ingest(new Response(randomBytes(rand, 40_000)).body);
    await svc.multipart.putPart("r", "main", upload, 1, { ...part, sha256: part.digest, etag: part.digest, time: 1 });
    await svc.multipart.remove("r", "main", upload);
    await svc.close();

    const report = await gc(dir, { minLiveFraction: 1, packLimit: 32 * 1024 });
    expect(report.packsSwept).toBeGreaterThan(0);
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore - 100_000);
    expect(report.skipped).toEqual([]);
    const check = await fsck(dir);
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    svc = openService(dir, { packLimit: 32 * 1024 });
    for (const k of kept) expect(sha256Hex((await svc.getObject("r", "main", k.key, k.commit))!)).toBe(k.sha);
    await svc.close();
  });

  // S3's lifecycle rule AbortIncompleteMultipartUpload, built in: https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpu-abort-incomplete-mpu-lifecycle-config.html
  test("aborted and stalled uploads: their chunks go with the next gc past the minimum pack age; young uploads stay", async () => {
    const rand = rng(13);
    const svc = openService(tmpDir(), { packLimit: 32 * 1024 });
    await svc.versions.createBranch("r", "main");
    const withPart = async (created: number) => {
      const id = await svc.multipart.create("r", "main", { key: `mp${created}`, created, template: {} });
      const part = await svc.ingest(new Response(randomBytes(rand, 60_000)).body);
      await svc.multipart.putPart("r", "main", id, 1, { ...part, sha256: part.digest, etag: part.digest, time: created });
      return { id, chunks: part.chunks.map(([hash]) => hash) };
    };
    const aborted = await withPart(Date.now());
    await svc.multipart.remove("r", "main", aborted.id);
    const stalled = await withPart(Date.now() - 8 * 24 * 3600_000);
    const young = await withPart(Date.now() - 3600_000);
    const stored = (hashes: string[]) => hashes.filter((h) => svc.store.blobs.where(h) !== undefined).length;

    // Within the minimum pack age nothing is swept, but the stalled upload is aborted already.
    const early = await svc.gc({ minLiveFraction: 1 });
    expect([early.uploadsAborted, early.packsSwept, early.tooYoung > 0]).toEqual([1, 0, true]);
    expect(() => svc.multipart.get("r", "main", stalled.id)).toThrow("does not exist");
    expect(stored(aborted.chunks)).toBe(aborted.chunks.length);

    const later = await svc.gc({ minLiveFraction: 1, minAgeMs: 0 });
    expect(later.uploadsAborted).toBe(0);
    expect(stored(aborted.chunks)).toBe(0);
    expect(stored(stalled.chunks)).toBe(0);
    expect(stored(young.chunks)).toBe(young.chunks.length);
    expect(svc.multipart.parts(young.id).map((p) => p.number)).toEqual([1]);

    // A shorter upload age (gc --upload-max-age) takes the younger one too.
    expect((await svc.gc({ minAgeMs: 0, uploadMaxAgeMs: 60_000 })).uploadsAborted).toBe(1);
    expect(svc.multipart.list("r", "main")).toEqual([]);
    await svc.close();
  });

  test("a part whose upload is gone (a crash between recording it and seeing the abort) is forgotten by gc", async () => {
    const svc = openService(tmpDir());
    await svc.versions.createBranch("r", "main");
    const id = await svc.multipart.create("r", "main", { key: "k", created: Date.now(), template: {} });
    const part = await svc.ingest(new Response(new Uint8Array(70_000).fill(3)).body);
    await svc.multipart.putPart("r", "main", id, 1, { ...part, sha256: part.digest, etag: part.digest, time: 1 });
    await svc.store.commit([{ key: `upload/r/main/${id}`, value: null }]); // the upload ref alone, as the crash leaves it
    expect(svc.store.refs.list(`part/${id}/`, "latest").length).toBe(1);
    await svc.gc({ minAgeMs: 0, minLiveFraction: 1 });
    expect(svc.store.refs.list(`part/${id}/`, "latest")).toEqual([]);
    expect(part.chunks.every(([hash]) => svc.store.blobs.where(hash) === undefined)).toBe(true);
    await svc.close();
  });

  test("under load: writers, readers and garbage makers run while gc sweeps; nothing reachable is lost", async () => {
    const rand = rng(12);
    const svc = openService(tmpDir(), { packLimit: 48 * 1024 });
    await svc.versions.createBranch("r", "main");
    await svc.versions.createBranch("r", "scratch");
    const acked: Array<{ key: string; commit: string; sha: string }> = [];
    let running = true;
    const writer = async (w: number) => {
      for (let i = 0; i < 30; i++) {
        // Some bodies repeat, so writes reuse blobs that gc may be sweeping.
        const body = rand() < 0.3 ? new TextEncoder().encode(`shared ${i % 4}`.repeat(200)) : randomBytes(rand, 500 + Math.floor(rand() * 6000));
        const key = `w${w}/k${i % 7}`;
        const { commit } = await svc.putObject("r", "main", key, body);
        acked.push({ key, commit, sha: sha256Hex(body) });
      }
    };
    const reader = async () => {
      let reads = 0;
      while (running) {
        const item = acked[Math.floor(rand() * acked.length)];
        if (item) {
          expect(sha256Hex((await svc.getObject("r", "main", item.key, item.commit))!)).toBe(item.sha);
          reads++;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      return reads;
    };
    const garbage = async () => {
      while (running) {
        await svc.versions.startCommit("r", "scratch");
        for (let i = 0; i < 5; i++) await svc.putObject("r", "scratch", `g${i}`, randomBytes(rand, 4000));
        await svc.versions.dropCommit("r", "scratch");
      }
    };
    let swept = 0;
    let rounds = 0;
    const collector = async () => {
      while (running) {
        const report = await svc.gc({ minLiveFraction: 0.9, minAgeMs: 100 });
        expect(report.skipped).toEqual([]);
        swept += report.packsSwept;
        rounds++;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const background = [reader(), reader(), garbage(), collector()];
    await Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)));
    await new Promise((r) => setTimeout(r, 300)); // let a few more gc rounds run over the finished history
    running = false;
    const [reads1, reads2] = (await Promise.all(background)) as number[];
    expect(rounds).toBeGreaterThan(2);
    expect(swept).toBeGreaterThan(0);
    expect(reads1 + reads2).toBeGreaterThan(20);
    for (const a of acked) expect(sha256Hex((await svc.getObject("r", "main", a.key, a.commit))!)).toBe(a.sha);
    expect([...svc.versions.log("r", "main")].length).toBe(acked.length);
    const check = await svc.fsck();
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    await svc.close();
  });
});
