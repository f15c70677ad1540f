// Keys with "." and ".." segments through real clients: boto3 signed and UNSIGNED, the JS SDK signed, and curl
// --path-as-is unsigned. Each writes the literal key (S3 keys are literal,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html) and a signed one verifies: the
// canonical URI is the path as sent, as botocore and @smithy/signature-v4 compute it for S3 (no normalisation).
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as path from "node:path";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { AWS_ENV, missing, run, runOk } from "./tools.ts";

const noBoto3 = missing("python3") || ((await run("python3", ["-c", "import boto3"])).code !== 0 && missing("boto3 (python module)"));
const noCurl = missing("curl");
let server: StrataServer;

beforeAll(async () => {
  server = await withServer();
});
afterAll(() => server.stop());

test.skipIf(noBoto3)("boto3 signed and UNSIGNED: dot-segment keys are their own objects", async () => {
  await runOk("python3", ["-c", `import boto3; boto3.client("s3", endpoint_url="${server.url}").create_bucket(Bucket="boto")`], { env: AWS_ENV });
  const out = await runOk("python3", [path.join(import.meta.dir, "literal_keys.py"), server.url, "boto"], { env: AWS_ENV });
  expect(out).toContain("ok 6");
}, 60_000);

test("the JS SDK signs dot-segment keys and they verify", async () => {
  const s3 = new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  await s3.send(new CreateBucketCommand({ Bucket: "jssdk" }));
  for (const key of ["x/../k3", "y/./k3", "../k3", "a\\b"]) await s3.send(new PutObjectCommand({ Bucket: "jssdk", Key: key, Body: key }));
  for (const key of ["x/../k3", "y/./k3", "../k3", "a\\b"]) {
    expect(await (await s3.send(new GetObjectCommand({ Bucket: "jssdk", Key: key }))).Body!.transformToString()).toBe(key);
  }
  const missingK3 = await s3.send(new GetObjectCommand({ Bucket: "jssdk", Key: "k3" })).catch((err) => err.name);
  expect(missingK3).toBe("NoSuchKey");
});

test.skipIf(noCurl)("curl --path-as-is: an unsigned PUT of photos/x/../k3 writes that key, not k3", async () => {
  await runOk("curl", ["-sf", "-X", "PUT", `${server.url}/curl`]);
  await runOk("curl", ["-sf", "--path-as-is", "-X", "PUT", "--data-binary", "dots", `${server.url}/curl/x/../k3`]);
  expect(await runOk("curl", ["-s", "--path-as-is", `${server.url}/curl/x/../k3`])).toBe("dots");
  expect(await runOk("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", `${server.url}/curl/k3`])).toBe("404");
});
