// Several gateways on one PostgreSQL schema and one bucket, under concurrent boto3 writers through all of them:
// no acknowledged write lost, read-after-write across gateways, If-None-Match: * atomic across gateways,
// multipart parts through different gateways. The object store is a real S3 server: moto_server, and a second
// Strata in embedded mode.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as path from "node:path";
import { run } from "../helpers/process.ts";
import { freshSchema, type Gateway, type ObjectStoreServer, pgAvailable, type Schema, startEmbeddedObjectStore, startGateway, startMoto } from "../helpers/distributed.ts";

const LOAD = path.join(import.meta.dir, "load.py");
const skip = !(await pgAvailable());

type Line = { ack?: string; sha?: string; version?: string; fail?: string; read?: string; same?: boolean; readfail?: string; won?: number; lost?: number; error?: string; multipart?: boolean; listed?: number };

export async function load(mode: string, bucket: string, gateways: Gateway[], writers = 6, ops = 15): Promise<Line[]> {
  const r = await run("python3", [LOAD, mode, bucket, gateways.map((g) => g.url).join(","), String(writers), String(ops)]);
  if (!r.stdout.includes('"done"')) throw new Error(`load.py ${mode} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Line);
}

async function s3(gw: Gateway, method: string, pathname: string): Promise<Response> {
  return await fetch(`${gw.url}${pathname}`, { method });
}

for (const [name, start, count] of [["moto_server", startMoto, 3], ["embedded Strata", startEmbeddedObjectStore, 2]] as const) {
  describe.skipIf(skip)(`${count} gateways over PostgreSQL + ${name}`, () => {
    let schema: Schema;
    let objects: ObjectStoreServer;
    let gateways: Gateway[] = [];

    beforeAll(async () => {
      schema = freshSchema();
      objects = await start();
      for (let i = 0; i < count; i++) gateways.push(await startGateway(schema.url(), objects, "gw"));
      expect((await s3(gateways[0], "PUT", "/photos")).status).toBe(200);
    }, 60_000);
    afterAll(async () => {
      await Promise.all(gateways.map((g) => g.stop()));
      await objects?.stop();
      await schema?.drop();
    });

    test("concurrent writers through every gateway: nothing lost, every write read back through another gateway", async () => {
      const lines = await load("load", "photos", gateways, 6, 12);
      const acks = lines.filter((l) => l.ack);
      expect(lines.filter((l) => l.fail)).toEqual([]);
      expect(acks.length).toBe(6 * 12);
      expect(lines.filter((l) => l.readfail)).toEqual([]);
      expect(lines.filter((l) => l.read).every((l) => l.same)).toBe(true);
      // Every acknowledged write is one commit on the branch: the history holds each version exactly once.
      const log = (await (await fetch(`${gateways.at(-1)!.url}/_strata/commits?ref=master.photos&limit=1000`)).json()) as unknown;
      const ids = new Set(JSON.stringify(log).match(/[0-9a-f]{32}/g));
      for (const a of acks) expect(ids.has(a.version!)).toBe(true);
      // And the final tree holds every key with its acknowledged bytes, seen from any gateway.
      for (const gw of gateways) {
        const listed = await (await s3(gw, "GET", "/photos?list-type=2&prefix=w&max-keys=1000")).text();
        expect(listed.match(/<Key>/g)?.length).toBe(acks.length);
        for (const a of acks) {
          const got = new Uint8Array(await (await s3(gw, "GET", `/photos/${a.ack}`)).arrayBuffer());
          expect(new Bun.CryptoHasher("sha256").update(got).digest("hex")).toBe(a.sha!);
        }
      }
    }, 180_000);

    test("If-None-Match: * through different gateways at once: exactly one writer wins", async () => {
      const lines = await load("race", "photos", gateways, 8);
      expect(lines.filter((l) => l.won !== undefined).length).toBe(1);
      const lost = lines.filter((l) => l.lost !== undefined);
      expect(lost.length).toBe(7);
      for (const l of lost) expect(["PreconditionFailed", "ConditionalRequestConflict"]).toContain(l.error!);
    }, 120_000);

    test("a multipart upload with parts through different gateways completes and reads back whole", async () => {
      const lines = await load("multipart", "photos", gateways);
      expect(lines.find((l) => l.multipart !== undefined)).toEqual({ multipart: true, listed: 3 });
    }, 120_000);

    test("an open commit started on one gateway takes writes through another and finishes on a third", async () => {
      const [a, b] = [gateways[0], gateways[1 % gateways.length]];
      const c = gateways.at(-1)!;
      const admin = (gw: Gateway, what: string) => fetch(`${gw.url}/_strata/commits/${what}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ref: "master.photos" }) });
      expect((await admin(a, "start")).status).toBe(201);
      expect((await fetch(`${b.url}/photos/open/one`, { method: "PUT", body: "1" })).status).toBe(200);
      expect((await fetch(`${a.url}/photos/open/one`)).status).toBe(404); // not visible before finish
      expect((await admin(c, "finish")).status).toBe(200);
      expect(await (await fetch(`${a.url}/photos/open/one`)).text()).toBe("1");
    }, 60_000);
  });
}
