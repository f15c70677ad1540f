// boto3 (preinstalled) with its default checksum behaviour, driven by boto3_script.py.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as path from "node:path";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { AWS_ENV, missing, run } from "./tools.ts";

const skip = missing("python3") || (await run("python3", ["-c", "import boto3"])).code !== 0 && missing("boto3 (python module)");
let server: StrataServer;

beforeAll(async () => {
  if (!skip) server = await withServer();
});
afterAll(() => server?.stop());

test.skipIf(skip)("boto3: puts, gets, multipart, copy, versions, errors", async () => {
  const r = await run("python3", [path.join(import.meta.dir, "boto3_script.py"), server.url], { env: AWS_ENV });
  if (r.code !== 0) throw new Error(`boto3 script failed:\n${r.stdout}\n${r.stderr}`);
  expect(r.stdout).toMatch(/^ok \d+ checks/m);
}, 120_000);
