// strata migrate copies a data dir with history (commits, branches, versions, deletes, an open upload) into
// PostgreSQL + object store; running it again copies only what is new (resumable); fsck on the target is clean;
// a gateway on the target serves the same history.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openService, text } from "../helpers/repo.ts";
import { tmpDir } from "../helpers/tmp-dir.ts";
import { freshSchema, gatewayArgs, type Gateway, type ObjectStoreServer, pgAvailable, type Schema, startGateway, startMoto, strataCli } from "../helpers/distributed.ts";

const skip = !(await pgAvailable());
let schema: Schema;
let objects: ObjectStoreServer;
let gw: Gateway | undefined;

beforeAll(async () => {
  if (skip) return;
  schema = freshSchema();
  objects = await startMoto();
}, 30_000);
afterAll(async () => {
  await gw?.stop();
  await objects?.stop();
  await schema?.drop();
});

async function cli(args: string[]): Promise<Record<string, unknown>> {
  const r = await strataCli([...args, "--json"]);
  if (r.code !== 0) throw new Error(`strata ${args[0]} exited ${r.code}: ${r.stdout} ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test.skipIf(skip)("migrate a store with history, again incrementally, then fsck the target and serve it", async () => {
  const dir = tmpDir("migrate");
  let svc = openService(dir);
  await svc.versions.createBranch("photos", "master");
  for (let i = 0; i < 5; i++) await svc.putObject("photos", "master", `k${i % 3}`, text(`v${i}`));
  await svc.versions.write("photos", "master", [{ key: "k2", delete: true, time: Date.now() }]);
  await svc.versions.createBranch("photos", "dev", { branch: "master" });
  await svc.putObject("photos", "dev", "big", new Uint8Array(3 << 20).map((_, i) => (i * 7) & 255));
  const upload = await svc.multipart.create("photos", "master", { key: "pending", created: Date.now(), template: {} } as never);
  await svc.multipart.putPart("photos", "master", upload, 1, { size: 2, sha256: "", etag: "e", chunks: [], time: Date.now() } as never);
  const localLog = [...svc.versions.log("photos", "master")].map((c) => c.id);
  const firstVersion = localLog.at(-1)!;
  const localFsck = await svc.fsck();
  await svc.close();

  const target = gatewayArgs(schema.url(), objects, "migrated");
  const first = await cli(["migrate", "--from", dir, ...target]);
  expect(first.copied).toBeGreaterThan(0);
  expect(first.refs).toBeGreaterThan(0);
  // Again: everything is there already, nothing is copied (a killed run resumes the same way).
  const again = await cli(["migrate", "--from", dir, ...target]);
  expect(again.copied).toBe(0);
  expect(again.skipped).toBe(first.blobs);

  // More history locally, then an incremental run copies only the new blobs.
  svc = openService(dir);
  await svc.putObject("photos", "master", "k0", text("newest"));
  const newLog = [...svc.versions.log("photos", "master")].map((c) => c.id);
  await svc.close();
  const third = await cli(["migrate", "--from", dir, ...target]);
  expect(third.copied).toBeGreaterThan(0);
  expect(third.copied).toBeLessThan(first.copied as number);

  const fsck = await cli(["fsck", ...target]);
  expect(fsck.ok).toBe(true);
  expect(fsck.problems).toEqual([]);
  expect(fsck.reachable).toBeGreaterThanOrEqual(localFsck.reachable);

  gw = await startGateway(schema.url(), objects, "migrated");
  const log = (await (await fetch(`${gw.url}/_strata/commits?ref=master.photos`)).json()) as { commits: Array<{ id: string }> };
  expect(log.commits.map((c) => c.id)).toEqual(newLog);
  expect(newLog.slice(1)).toEqual(localLog);
  expect(await (await fetch(`${gw.url}/photos/k0`)).text()).toBe("newest");
  expect(await (await fetch(`${gw.url}/photos/k0?versionId=${firstVersion}`)).text()).toBe("v0");
  expect((await fetch(`${gw.url}/photos/k2`)).status).toBe(404);
  const big = new Uint8Array(await (await fetch(`${gw.url}/dev.photos/big`)).arrayBuffer());
  expect(big.length).toBe(3 << 20);
  expect(big.every((b, i) => b === ((i * 7) & 255))).toBe(true);
  const uploads = await (await fetch(`${gw.url}/photos?uploads`)).text();
  expect(uploads).toContain(upload);
}, 180_000);
