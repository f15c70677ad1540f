// `strata serve --auth` on a fresh data dir: prints an admin token once, refuses anonymous requests,
// and stays on after a restart without --auth (fail closed).
import { afterEach, expect, test } from "bun:test";
import * as fs from "node:fs";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { startServer } from "../../src/server.ts";
import { defaultConfig } from "../../src/config.ts";
import { tempDir } from "../helpers/server.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function serve(dataDir: string, auth: boolean) {
  const server = await startServer({ ...defaultConfig(), port: 0, bind: "127.0.0.1", dataDir, quiet: true, auth });
  // The token goes to whoever started the server (`strata serve` prints it on stderr), never into a log.
  return { server, printed: server.adminToken ?? "" };
}

test("first start with --auth prints an admin token; anonymous requests are refused; auth stays on", async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const first = await serve(dataDir, true);
  const token = /strata_[0-9a-f]{40}/.exec(first.printed)?.[0];
  expect(token).toBeDefined();
  const anonymous = await fetch(`${first.server.url}/`);
  expect(anonymous.status).toBe(403);
  expect(await anonymous.text()).toContain("<Code>AccessDenied</Code>");
  const s3 = new S3Client({ endpoint: first.server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: token!, secretAccessKey: token! } });
  expect((await s3.send(new ListBucketsCommand({}))).$metadata.httpStatusCode).toBe(200);
  await first.server.stop();

  const second = await serve(dataDir, false);
  expect(second.printed).not.toContain("strata_");
  expect((await fetch(`${second.server.url}/`)).status).toBe(403);
  await second.server.stop();
});

test("without --auth on a fresh data dir, unsigned requests pass", async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const { server, printed } = await serve(dataDir, false);
  expect(printed).toBe("");
  expect((await fetch(`${server.url}/`)).status).toBe(200);
  await server.stop();
});
