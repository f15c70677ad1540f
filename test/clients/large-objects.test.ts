// Large objects through the real clients that broke on them (issue 13): rclone copying 300 MB with its defaults and
// with 5 MiB parts, then `rclone check`; `s3cmd get` of 20 MB (it needs Content-Length); boto3's ContentLength on a
// 20 MB GET. Data is made on the fly in a temp dir and removed afterwards.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir, withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { AWS_ENV, missing, run, runOk } from "./tools.ts";

const MB = 1000 * 1000;
let dir: string;

beforeAll(() => {
  dir = tempDir("strata-large-");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A file of random bytes, written by the OS (no test memory). */
async function randomFile(name: string, bytes: number): Promise<string> {
  const file = path.join(dir, name);
  await runOk("sh", ["-c", `head -c ${bytes} /dev/urandom > '${file}'`]);
  return file;
}

const cmp = async (a: string, b: string) => (await run("cmp", [a, b])).code === 0;

describe.skipIf(missing("rclone"))("rclone, 300 MB", () => {
  let server: StrataServer;
  let file: string;
  const env = () => ({
    AWS_CA_BUNDLE: "",
    RCLONE_CONFIG: "/dev/null",
    RCLONE_CONFIG_STRATA_TYPE: "s3",
    RCLONE_CONFIG_STRATA_PROVIDER: "Other",
    RCLONE_CONFIG_STRATA_ENDPOINT: server.url,
    RCLONE_CONFIG_STRATA_ACCESS_KEY_ID: "x",
    RCLONE_CONFIG_STRATA_SECRET_ACCESS_KEY: "x",
    RCLONE_CONFIG_STRATA_REGION: "us-east-1",
    RCLONE_CONFIG_STRATA_FORCE_PATH_STYLE: "true",
  });
  const rclone = (...args: string[]) => runOk("rclone", ["--retries=1", "--low-level-retries=1", ...args], { env: env() });

  beforeAll(async () => {
    server = await withServer();
    fs.mkdirSync(path.join(dir, "up"));
    file = await randomFile("up/big.bin", 300 * MB);
    await rclone("mkdir", "strata:rclone-big");
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    fs.rmSync(path.join(dir, "up"), { recursive: true, force: true });
  });

  test("copy with the defaults (multipart, Go's &#34; ETags in CompleteMultipartUpload), check, and back", async () => {
    await rclone("copy", path.join(dir, "up"), "strata:rclone-big/defaults");
    await rclone("check", path.join(dir, "up"), "strata:rclone-big/defaults");
    const back = path.join(dir, "back.bin");
    await rclone("copyto", "strata:rclone-big/defaults/big.bin", back);
    expect(await cmp(file, back)).toBe(true);
    fs.rmSync(back);
  }, 180_000);

  test("copy with --s3-upload-cutoff 5M --s3-chunk-size 5M, then check", async () => {
    await rclone("copy", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", path.join(dir, "up"), "strata:rclone-big/small-parts");
    await rclone("check", path.join(dir, "up"), "strata:rclone-big/small-parts");
  }, 180_000);
});

describe("20 MB GETs", () => {
  let file: string;
  beforeAll(async () => {
    file = await randomFile("twenty.bin", 20 * MB);
  });

  test.skipIf(missing("s3cmd"))("s3cmd get (server with --etag md5: s3cmd checks MD5 ETags)", async () => {
    const server = await withServer({ etagMode: "md5" });
    try {
      const host = `127.0.0.1:${server.port}`;
      const s3cmd = (...args: string[]) => runOk("s3cmd", ["--config=/dev/null", "--access_key=x", "--secret_key=x", `--host=${host}`, `--host-bucket=${host}`, "--no-ssl", "--region=us-east-1", ...args]);
      await s3cmd("mb", "s3://s3cmd-big");
      await s3cmd("put", file, "s3://s3cmd-big/twenty.bin");
      const back = path.join(dir, "s3cmd-back.bin");
      await s3cmd("get", "s3://s3cmd-big/twenty.bin", back);
      expect(await cmp(file, back)).toBe(true);
    } finally {
      await server.stop();
    }
  }, 120_000);

  test.skipIf(missing("python3"))("boto3: ContentLength of whole, ranged and partNumber GETs, and the bytes", async () => {
    const server = await withServer();
    try {
      const script = `
import boto3, hashlib, sys
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x",
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
data = open(sys.argv[2], "rb").read()
s3.create_bucket(Bucket="boto-big")
s3.put_object(Bucket="boto-big", Key="twenty.bin", Body=data)
whole = s3.get_object(Bucket="boto-big", Key="twenty.bin")
assert whole["ContentLength"] == len(data), whole["ContentLength"]
assert hashlib.sha256(whole["Body"].read()).digest() == hashlib.sha256(data).digest()
ranged = s3.get_object(Bucket="boto-big", Key="twenty.bin", Range="bytes=1000000-17777776")
assert ranged["ContentLength"] == 16777777, ranged["ContentLength"]
assert ranged["Body"].read() == data[1000000:17777777]
part = s3.get_object(Bucket="boto-big", Key="twenty.bin", PartNumber=1)
assert part["ContentLength"] == len(data), part["ContentLength"]
part["Body"].read()
print("ok", whole["ContentLength"])
`;
      const r = await run("python3", ["-c", script, server.url, file], { env: AWS_ENV });
      if (r.code !== 0) throw new Error(`boto3 failed:\n${r.stdout}\n${r.stderr}`);
      expect(r.stdout.trim()).toBe(`ok ${20 * MB}`);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
