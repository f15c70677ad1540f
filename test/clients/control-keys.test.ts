// Keys with control characters through boto3 (https://github.com/boto/botocore/issues/3496 and
// https://github.com/boto/boto3/issues/2347: strict XML parsers refuse them in answers, raw or as references).
// Listings parse, and a delete or multipart upload of such a key reports its success instead of a 500 that
// boto3 retries.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as path from "node:path";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { AWS_ENV, missing, run, runOk } from "./tools.ts";

const skip = missing("python3") || ((await run("python3", ["-c", "import boto3"])).code !== 0 && missing("boto3 (python module)"));
let server: StrataServer;

beforeAll(async () => {
  if (!skip) server = await withServer();
});
afterAll(() => server?.stop());

test.skipIf(skip)("boto3 lists, uploads and deletes keys with control characters", async () => {
  const out = await runOk("python3", [path.join(import.meta.dir, "control_keys.py"), server.url, "controls"], { env: AWS_ENV });
  expect(out).toContain("ok 5");
}, 60_000);
