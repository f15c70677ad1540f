// PostgreSQL or the object store going away: requests fail with 503 (ServiceUnavailable), nothing half-applied,
// and service resumes by itself once they are back. Each dependency sits behind a TCP proxy that the test cuts
// (every connection reset, new ones refused), so the shared PostgreSQL server is never touched.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { freshSchema, type Gateway, type ObjectStoreServer, PG_URL, pgAvailable, type Schema, startGateway, startMoto, startProxy } from "../helpers/distributed.ts";

const skip = !(await pgAvailable());
let schema: Schema;
let objects: ObjectStoreServer;
let gw: Gateway;
let pgProxy: Awaited<ReturnType<typeof startProxy>>;
let s3Proxy: Awaited<ReturnType<typeof startProxy>>;

beforeAll(async () => {
  if (skip) return;
  schema = freshSchema();
  objects = await startMoto();
  pgProxy = await startProxy(Number(new URL(PG_URL).port || 5432));
  s3Proxy = await startProxy(Number(new URL(objects.endpoint).port));
  const viaProxy = PG_URL.replace(/:\d+\//, `:${pgProxy.port}/`);
  gw = await startGateway(schema.url(viaProxy), { ...objects, endpoint: `http://127.0.0.1:${s3Proxy.port}` }, "outage");
  expect((await fetch(`${gw.url}/photos`, { method: "PUT" })).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await gw?.stop();
  pgProxy?.close();
  s3Proxy?.close();
  await objects?.stop();
  await schema?.drop();
});

const put = (key: string, body: string) => fetch(`${gw.url}/photos/${key}`, { method: "PUT", body });
const get = (key: string) => fetch(`${gw.url}/photos/${key}`);

async function errorCode(res: Response): Promise<string | undefined> {
  return /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1];
}

/** Retries until the gateway answers 200 again (it reconnects by itself). */
async function recovers(attempt: () => Promise<Response>): Promise<Response> {
  for (let i = 0; ; i++) {
    const res = await attempt();
    if (res.status === 200 || i >= 100) return res;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 100));
  }
}

test.skipIf(skip)("PostgreSQL away: reads and writes answer 503 ServiceUnavailable, nothing is half-applied, service resumes", async () => {
  expect((await put("before", "1")).status).toBe(200);
  pgProxy.cut();
  const w = await put("during", "2");
  expect(w.status).toBe(503);
  expect(await errorCode(w)).toBe("ServiceUnavailable");
  const r = await get("before");
  expect(r.status).toBe(503);
  expect(await errorCode(r)).toBe("ServiceUnavailable");
  pgProxy.restore();
  expect(await (await recovers(() => get("before"))).text()).toBe("1");
  expect((await get("during")).status).toBe(404); // the failed write left nothing behind
  expect((await recovers(() => put("after", "3"))).status).toBe(200);
  expect(await (await get("after")).text()).toBe("3");
}, 120_000);

test.skipIf(skip)("object store away: writes answer 503, nothing is half-applied, service resumes", async () => {
  s3Proxy.cut();
  const w = await put("s3-during", "x".repeat(1000));
  expect(w.status).toBe(503);
  expect(["ServiceUnavailable", "SlowDown"]).toContain((await errorCode(w))!);
  expect((await get("s3-during")).status).toBe(404);
  s3Proxy.restore();
  expect((await recovers(() => put("s3-after", "y"))).status).toBe(200);
  expect(await (await get("s3-after")).text()).toBe("y");
  // The blobs of the write that failed went out with a later pack: nothing references them, nothing broke.
  expect((await get("s3-during")).status).toBe(404);
}, 120_000);
