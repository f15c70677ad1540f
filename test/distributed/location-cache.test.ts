// Gateways whose cache of blob locations holds 20 entries, over a store of many more blobs: every object is served
// (locations missing from the cache are looked up in PostgreSQL), puts dedup against what PostgreSQL has (not against
// a cached location of a blob gc collected since), fsck and
// gc pass (gc moves blobs under locations other gateways have cached; fsck finds a chunk gone), another gateway with a cold cache reads
// what the first acknowledged, the cache never holds more than its bound, and PostgreSQL going away makes a lookup
// fail with UnavailableError (503) instead of hanging, until it is back. In-process stores, on real PostgreSQL and
// moto_server.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { RepoService } from "../../src/repo/service.ts";
import { objectStoreOf } from "../../src/store/distributed-config.ts";
import { LOCATION_BYTES } from "../../src/store/remote-blobs.ts";
import { RemoteStore } from "../../src/store/remote-store.ts";
import { DEFAULT_CACHE_BUDGETS } from "../../src/util/memory-budget.ts";
import { UnavailableError } from "../../src/util/unavailable.ts";
import { sha256Hex } from "../helpers/repo.ts";
import { freshSchema, type ObjectStoreServer, PG_URL, pgAvailable, type Schema, startMoto, startProxyProcess } from "../helpers/distributed.ts";

const skip = !(await pgAvailable());
const LOCATIONS = 20;
const OBJECTS = 150;
let schema: Schema;
let objects: ObjectStoreServer;
const opened: RemoteStore[] = [];

/** A store with room for LOCATIONS locations and a few KiB of bytes, under a service with tiny decoded caches. */
async function gateway(meta = schema.url()): Promise<RepoService<RemoteStore>> {
  const store = await RemoteStore.open({
    meta,
    objects: objectStoreOf({ blobs: `s3://${objects.bucket}/loc`, blobsEndpoint: objects.endpoint, blobsAccessKeyId: "x", blobsSecretAccessKey: "x" }),
    cacheBytes: 4096,
    locationBytes: LOCATIONS * LOCATION_BYTES,
  });
  opened.push(store);
  const tiny = 4096;
  return new RepoService(store, { ...DEFAULT_CACHE_BUDGETS, trees: { objects: tiny, commitIndex: tiny, purges: tiny, tags: tiny }, manifests: tiny, commits: { records: tiny, byId: tiny }, remoteBlobs: tiny, remoteLocations: LOCATIONS * LOCATION_BYTES });
}

/** Distinct content per object: 2-6 KiB (or `size`) that no other object shares. */
function body(i: number, size = 2048 + (i % 5) * 1024): Uint8Array {
  const b = new Uint8Array(size);
  for (let j = 0; j < b.length; j++) b[j] = (i * 131 + j * 7 + (j >> 8) * 13) & 255;
  return b;
}

const cached = (svc: RepoService<RemoteStore>) => svc.store.blobs.locationStats().cached;

beforeAll(async () => {
  if (skip) return;
  schema = freshSchema();
  objects = await startMoto();
}, 30_000);
afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await objects?.stop();
  await schema?.drop();
});

test.skipIf(skip)("a 20-location cache over ~1000 blobs: every object served, dedup, fsck, gc, cross-gateway reads, bounded", async () => {
  const a = await gateway();
  await a.versions.createBranch("photos", "master");
  await a.versions.createBranch("junk", "master");
  for (let i = 0; i < 10; i++) await a.putObject("junk", "master", `j${i}`, body(1000 + i));
  const big = body(7777, 64 << 10);
  await a.putObject("photos", "master", "big", big);
  for (let i = 0; i < OBJECTS; i++) {
    await a.putObject("photos", "master", `k${i}`, body(i));
    expect(cached(a)).toBeLessThanOrEqual(LOCATIONS + 1);
  }
  const [{ n }] = await a.store.meta.sql`SELECT count(*)::int AS n FROM strata_blobs`;
  expect(n).toBeGreaterThan(OBJECTS * 4); // chunk, manifest, version, tree nodes, commit per write: far more than fit

  // Every object reads back, through lookups: the cache stays within its bound.
  const lookupsBefore = a.store.blobs.locationStats().lookups;
  for (let i = 0; i < OBJECTS; i++) expect(await a.getObject("photos", "master", `k${i}`)).toEqual(body(i));
  expect(a.store.blobs.locationStats().lookups).toBeGreaterThan(lookupsBefore + OBJECTS);
  expect(cached(a)).toBeLessThanOrEqual(LOCATIONS + 1);

  // Dedup: the content of an object whose locations left the cache long ago is not uploaded again.
  const uploaded = a.store.blobs.traffic.putBytes;
  const deduplicated = a.store.blobs.deduplicated.chunks;
  await a.putObject("photos", "master", "copy-of-big", big);
  expect(a.store.blobs.deduplicated.chunks).toBe(deduplicated + 1);
  expect(a.store.blobs.traffic.putBytes - uploaded).toBeLessThan(16 << 10); // the new commit's metadata only

  // Another gateway, cold: reads everything the first acknowledged, and what it writes after.
  const b = await gateway();
  await b.store.refresh();
  for (let i = 0; i < OBJECTS; i += 7) expect(await b.getObject("photos", "master", `k${i}`)).toEqual(body(i));
  expect(cached(b)).toBeLessThanOrEqual(LOCATIONS + 1);
  await a.putObject("photos", "master", "late", body(9999));
  await b.store.refresh();
  expect(await b.getObject("photos", "master", "late")).toEqual(body(9999));

  // fsck walks every blob (far more than the cache holds) and finds the store clean.
  const fsck = await a.fsck();
  expect(fsck.problems).toEqual([]);
  expect(fsck.ok).toBe(true);
  expect(fsck.reachable).toBeGreaterThan(OBJECTS * 4);
  expect(cached(a)).toBeLessThanOrEqual(LOCATIONS + 1);

  // gc collects the deleted repo and compacts the packs; a second round deletes the old pack objects, so the
  // locations b still has cached point at objects that are gone: its reads look them up again.
  // (An object of one chunk has its chunk's hash as ETag: k0-k4's chunks are read directly, k5-k9's warmed.)
  const chunks = Array.from({ length: 10 }, (_, i) => sha256Hex(body(i)));
  b.store.blobs.dropCaches();
  const stale = chunks.map((h) => b.store.blobs.where(h)!.pack);
  const junkChunk = sha256Hex(body(1000)); // j0's chunk: b caches its location, then gc collects it
  expect(b.store.blobs.where(junkChunk)).toBeDefined();
  await a.deleteRepo("junk", true);
  const first = await a.gc({ minAgeMs: 0 });
  expect(first.packsSwept).toBeGreaterThan(0);
  const second = await a.gc({ minAgeMs: 0 });
  for (const pack of new Set(stale)) expect(await b.store.blobs.objects.getRange(pack, 0, 8)).toBeUndefined(); // deleted
  // The same bytes again through b, whose cache still holds the collected chunk's location: stored again, no 503.
  await b.store.refresh();
  await b.putObject("photos", "master", "j0-again", body(1000));
  expect(await (await gateway()).getObject("photos", "master", "j0-again")).toEqual(body(1000));
  expect(second.bytesAfter).toBeLessThan(first.bytesBefore);
  for (let i = 0; i < 5; i++) expect(b.store.blobs.get(chunks[i])).toEqual(body(i));
  for (let i = 5; i < 10; i++) {
    await b.store.blobs.load(chunks[i]);
    expect(b.store.blobs.get(chunks[i])).toEqual(body(i));
  }
  expect(chunks.filter((h, i) => b.store.blobs.where(h)!.pack !== stale[i]).length).toBe(10);
  await b.store.refresh();
  for (let i = 0; i < OBJECTS; i++) expect(await b.getObject("photos", "master", `k${i}`)).toEqual(body(i));
  expect(await b.getObject("photos", "master", "copy-of-big")).toEqual(big);
  const after = await b.fsck();
  expect(after.problems).toEqual([]);
  expect(after.ok).toBe(true);

  // A chunk whose row says collected is missing to a cold gateway's fsck (its chunks are asked about in batches).
  await a.store.meta.sql`UPDATE strata_blobs SET pack = NULL WHERE hash = decode(${chunks[3]}, 'hex')`;
  const c = await gateway();
  const broken = await c.fsck();
  expect(broken.ok).toBe(false);
  expect(broken.problems.map((p) => [p.hash, p.problem])).toEqual([[chunks[3], "missing"]]);
}, 240_000);

test.skipIf(skip)("blobs uploaded and not yet indexed stay found when the cache lets them go: read back, and not uploaded twice", async () => {
  const svc = await gateway();
  const blobs = svc.store.blobs;
  // 60 blobs of 200 KiB: past 8 MiB a pack is cut and uploaded, long before the flush that indexes it.
  const payloads = Array.from({ length: 60 }, (_, i) => body(50_000 + i, 200 << 10));
  const hashes = payloads.map((p) => blobs.put("chunk", p));
  for (let i = 0; blobs.traffic.puts === 0 && i < 200; i++) await new Promise((r) => setTimeout(r, 50));
  expect(blobs.traffic.puts).toBeGreaterThan(0);
  expect(blobs.locationStats().cached).toBeLessThanOrEqual(LOCATIONS + 1); // the first ones' locations are not cached
  const deduplicated = blobs.deduplicated.chunks;
  expect(blobs.put("chunk", payloads[0])).toBe(hashes[0]);
  expect(blobs.deduplicated.chunks).toBe(deduplicated + 1);
  blobs.dropCaches();
  expect(blobs.get(hashes[0])).toEqual(payloads[0]);
  await svc.store.flush();
  const [{ n }] = await svc.store.meta.sql`SELECT count(*)::int AS n FROM strata_blobs WHERE hash = ANY(SELECT decode(h, 'hex') FROM unnest(${svc.store.meta.sql.array(hashes)}::text[]) h)`;
  expect(n).toBe(60);
  const reader = await gateway();
  for (const i of [0, 30, 59]) expect(reader.store.blobs.get(hashes[i])).toEqual(payloads[i]);
}, 60_000);

test.skipIf(skip)("PostgreSQL away: a location lookup fails with UnavailableError at once, and works again when it is back", async () => {
  const writer = await gateway();
  const hash = writer.store.blobs.put("chunk", body(4242));
  await writer.store.flush();
  const proxy = await startProxyProcess(Number(new URL(PG_URL).port || 5432));
  try {
    const reader = await gateway(schema.url(PG_URL.replace(/:\d+\//, `:${proxy.port}/`)));
    await proxy.cut();
    expect(() => reader.store.blobs.get(hash)).toThrow(UnavailableError);
    expect(() => reader.store.blobs.has(hash)).toThrow(UnavailableError);
    await proxy.restore();
    let got: Uint8Array | undefined;
    for (let i = 0; !got && i < 50; i++) {
      try {
        got = reader.store.blobs.get(hash);
      } catch (err) {
        if (!(err instanceof UnavailableError)) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(got).toEqual(body(4242));
  } finally {
    proxy.close();
  }
}, 60_000);
