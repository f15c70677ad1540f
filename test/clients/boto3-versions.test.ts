// boto3 (preinstalled) on versions, driven by boto3_versions.py: suspended versioning, and a bucket emptied
// version by version and then deleted.
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

async function phase(name: string): Promise<void> {
  const r = await run("python3", [path.join(import.meta.dir, "boto3_versions.py"), server.url, name], { env: AWS_ENV });
  if (r.code !== 0) throw new Error(`boto3_versions.py ${name} failed:\n${r.stdout}\n${r.stderr}`);
  expect(r.stdout).toMatch(/^ok \d+ checks/m);
}

// AWS, "Managing objects in a versioning-suspended bucket".
test.skipIf(skip)("boto3: a suspended bucket keeps one null version per key, and gc gives the replaced ones back", async () => {
  await server.repo.gc({ minLiveFraction: 1, minAgeMs: 0 });
  await phase("suspended");
  // Five writes of ~200 KB each became the null version in turn, the last one replaced by a delete marker.
  const report = await server.repo.gc({ minLiveFraction: 1, minAgeMs: 0 });
  expect(report.bytesBefore - report.bytesAfter).toBeGreaterThanOrEqual(5 * 200_000);
}, 120_000);

// AWS, DeleteBucket: "All objects (including all object versions and delete markers) in the bucket must be deleted".
test.skipIf(skip)("boto3: a bucket emptied version by version, markers included, is then deleted", async () => {
  await phase("empty");
}, 120_000);
