// The same sources under Deno as a gateway beside a Bun one: the PostgreSQL client, the object-store client and the
// synchronous blob reads (worker + Atomics.wait) work in both runtimes, and each sees the other's writes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { freshSchema, type Gateway, type ObjectStoreServer, pgAvailable, type Schema, startGateway, startMoto } from "../helpers/distributed.ts";

const skip = !(await pgAvailable());
let schema: Schema;
let objects: ObjectStoreServer;
let bunGw: Gateway;
let denoGw: Gateway;

beforeAll(async () => {
  if (skip) return;
  schema = freshSchema();
  objects = await startMoto();
  bunGw = await startGateway(schema.url(), objects, "deno");
  denoGw = await startGateway(schema.url(), objects, "deno", { deno: true });
}, 90_000);
afterAll(async () => {
  await bunGw?.stop();
  await denoGw?.stop();
  await objects?.stop();
  await schema?.drop();
});

test.skipIf(skip)("a Deno gateway and a Bun gateway read each other's writes", async () => {
  expect((await fetch(`${bunGw.url}/photos`, { method: "PUT" })).status).toBe(200);
  const big = new Uint8Array(3 << 20).map((_, i) => (i * 13) & 255);
  expect((await fetch(`${bunGw.url}/photos/small`, { method: "PUT", body: "from bun" })).status).toBe(200);
  expect((await fetch(`${bunGw.url}/photos/big`, { method: "PUT", body: big })).status).toBe(200);
  // Deno's caches are cold: the small object is read synchronously, the big one streamed.
  expect(await (await fetch(`${denoGw.url}/photos/small`)).text()).toBe("from bun");
  const got = new Uint8Array(await (await fetch(`${denoGw.url}/photos/big`)).arrayBuffer());
  expect(got.length).toBe(big.length);
  expect(got.every((b, i) => b === big[i])).toBe(true);
  expect((await fetch(`${denoGw.url}/photos/other`, { method: "PUT", body: "from deno" })).status).toBe(200);
  expect(await (await fetch(`${bunGw.url}/photos/other`)).text()).toBe("from deno");
}, 120_000);
