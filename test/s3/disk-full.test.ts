// A server whose disk fills up (a real 16 MiB tmpfs, reserve 3 MiB): PUTs answer 503 ServiceUnavailable naming the
// full disk (AWS's list of error codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), the
// request log says 503 and nothing is logged as an internal error; deletes (purges) and gc still work on the full
// disk, and PUTs work again once they freed space, without a restart.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultConfig } from "../../src/config.ts";
import { startServer, type StrataServer } from "../../src/server.ts";
import { smallDisk } from "../helpers/tmpfs.ts";

const disk = smallDisk(16);
const RESERVE_MIB = 3;
let server: StrataServer;
const lines: string[] = [];
const errors: unknown[][] = [];
const consoleError = console.error;

beforeAll(async () => {
  if (!disk.dir) return;
  console.error = (...args: unknown[]) => errors.push(args);
  server = await startServer({ ...defaultConfig(), port: 0, bind: "127.0.0.1", dataDir: path.join(disk.dir, "data"), diskReserveMiB: RESERVE_MIB }, { log: (l) => lines.push(l) });
});
afterAll(async () => {
  console.error = consoleError;
  await server?.stop();
});

const call = (method: string, target: string, body?: BodyInit) => fetch(`${server.url}${target}`, { method, body });
const freeMiB = () => {
  const s = fs.statfsSync(disk.dir!);
  return (s.bavail * s.bsize) / (1024 * 1024);
};

test.skipIf(!disk.dir)("full disk: PUT is 503 ServiceUnavailable naming the disk; purges and gc work on it; PUT works again after", async () => {
  expect((await call("PUT", "/full")).status).toBe(200);
  const versions: Array<[string, string]> = [];
  let refused: Response | undefined;
  for (let i = 0; i < 40 && !refused; i++) {
    const res = await call("PUT", `/full/k${i}`, randomBytes(1024 * 1024));
    if (res.status === 200) versions.push([`k${i}`, res.headers.get("x-amz-version-id")!]);
    else refused = res;
  }
  expect(versions.length).toBeGreaterThan(5);
  expect(refused?.status).toBe(503);
  const body = await refused!.text();
  expect(body).toContain("<Code>ServiceUnavailable</Code>");
  expect(body).toMatch(/<Message>The server is out of disk space \(its disk is full\)[^<]*<\/Message>/);
  expect(body).not.toMatch(/\bat .*\.ts:\d+/); // no stack
  // The reserve held: the refused writes left it free for what follows.
  expect(freeMiB()).toBeGreaterThan(RESERVE_MIB - 1);

  // Deletes work on the full disk: purge every version but the last.
  for (const [key, version] of versions.slice(0, -1)) {
    expect((await call("DELETE", `/full/${key}?versionId=${version}`)).status).toBe(204);
  }
  // ... and gc (the admin API's, with its minimum pack age overridden) gives the space back.
  const gc = await fetch(`${server.url}/_strata/gc`, { method: "POST", body: JSON.stringify({ minAgeSeconds: 0 }), headers: { "content-type": "application/json" } });
  expect(gc.status).toBe(200);
  expect((await gc.json()).packsSwept).toBeGreaterThan(0);
  expect(freeMiB()).toBeGreaterThan(RESERVE_MIB + 5);

  const again = await call("PUT", "/full/after", randomBytes(1024 * 1024));
  expect(again.status).toBe(200);
  expect((await call("GET", `/full/${versions.at(-1)![0]}`)).status).toBe(200);

  const logged = lines.map((l) => JSON.parse(l));
  expect(logged.filter((r) => r.op === "PutObject" && r.status === 503).length).toBeGreaterThan(0);
  expect(logged.filter((r) => r.status >= 500 && r.status !== 503)).toEqual([]);
  expect(errors.filter((args) => String(args[0]).includes("internal error"))).toEqual([]);
});
