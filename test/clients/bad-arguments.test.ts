// Arguments S3 refuses, through boto3 and the aws CLI: a continuation token the server did not issue is 400
// InvalidArgument "The continuation token provided is incorrect"; a versionId that is no version id is 400
// InvalidArgument "Invalid version id specified" on GET, HEAD, DELETE and copy sources; versionId=null is 404
// NoSuchVersion unless the key has a null version (docs/versioning.md).
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as path from "node:path";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { AWS_ENV, missing, run, runOk } from "./tools.ts";

const skipBoto3 = missing("python3") || ((await run("python3", ["-c", "import boto3"])).code !== 0 && missing("boto3 (python module)"));
const skipCli = missing("aws");
let server: StrataServer;
beforeAll(async () => {
  server = await withServer();
});
afterAll(() => server.stop());

test.skipIf(skipBoto3)("boto3: forged continuation tokens, garbage version ids, versionId=null", async () => {
  const out = await runOk("python3", [path.join(import.meta.dir, "bad_arguments.py"), server.url, "badargs"], { env: AWS_ENV });
  expect(out).toContain("ok");
}, 60_000);

test.skipIf(skipCli)("aws CLI: list-objects-v2 with a forged --continuation-token, get-object with a garbage --version-id", async () => {
  const aws = (...args: string[]) => run("aws", ["--endpoint-url", server.url, "s3api", ...args], { env: AWS_ENV });
  await runOk("aws", ["--endpoint-url", server.url, "s3api", "create-bucket", "--bucket", "cliargs"], { env: AWS_ENV });
  await runOk("aws", ["--endpoint-url", server.url, "s3api", "put-object", "--bucket", "cliargs", "--key", "k"], { env: AWS_ENV });
  // --continuation-token goes to the server as is (--starting-token would be the CLI paginator's own format)
  const listed = await aws("list-objects-v2", "--bucket", "cliargs", "--continuation-token", "forged");
  expect([listed.code > 0, listed.stderr]).toEqual([true, expect.stringContaining("(InvalidArgument) when calling the ListObjectsV2 operation: The continuation token provided is incorrect")]);
  const got = await aws("get-object", "--bucket", "cliargs", "--key", "k", "--version-id", "garbage", "/dev/null");
  expect([got.code > 0, got.stderr]).toEqual([true, expect.stringContaining("(InvalidArgument) when calling the GetObject operation: Invalid version id specified")]);
  const nul = await aws("get-object", "--bucket", "cliargs", "--key", "k", "--version-id", "null", "/dev/null");
  expect([nul.code > 0, nul.stderr]).toEqual([true, expect.stringContaining("(NoSuchVersion)")]);
}, 60_000);
