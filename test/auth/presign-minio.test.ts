// With auth on: presigned GET/PUT URLs made by `aws s3 presign` and the JS SDK (valid, expired,
// tampered, and signed by a user without the role), and minio-js uploads of multi-MiB objects.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import * as Minio from "minio";
import { type AuthServer, run, withAuthServer } from "./helpers.ts";

let server: AuthServer;
const BUCKET = "pre";
const sdk = (token: string) =>
  new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: token, secretAccessKey: token } });

beforeAll(async () => {
  server = await withAuthServer(BUCKET);
  const admin = sdk(server.tokens.admin);
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: "seed.txt", Body: "hello" }));
}, 30_000);
afterAll(() => server.stop());

async function errorCode(res: Response): Promise<string> {
  return /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1] ?? `HTTP ${res.status}`;
}

const presign = async (token: string, url: string, expiresIn: number) => {
  const r = await run("aws", ["--endpoint-url", server.url, "s3", "presign", url, "--expires-in", String(expiresIn)], {
    AWS_ACCESS_KEY_ID: token,
    AWS_SECRET_ACCESS_KEY: token,
    AWS_DEFAULT_REGION: "us-east-1",
  });
  expect(r.stderr).toBe("");
  return r.stdout.trim();
};

test("aws s3 presign: valid, expired, tampered, and without the role", async () => {
  const admin = sdk(server.tokens.admin);
  await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: "a b.txt", Body: "presigned" }));
  const [valid, shortLived, noRole] = await Promise.all([
    presign(server.tokens.reader, `s3://${BUCKET}/a b.txt`, 600),
    presign(server.tokens.reader, `s3://${BUCKET}/a b.txt`, 1),
    presign(server.tokens.none, `s3://${BUCKET}/a b.txt`, 600),
  ]);
  const ok = await fetch(valid);
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe("presigned");
  expect(await errorCode(await fetch(valid.replace("a%20b.txt", "seed.txt")))).toBe("SignatureDoesNotMatch");
  expect(await errorCode(await fetch(noRole))).toBe("AccessDenied");
  await Bun.sleep(2100);
  const expired = await fetch(shortLived);
  expect(expired.status).toBe(403);
  expect(await expired.text()).toContain("expired");
}, 30_000);

test("JS SDK presigned PUT and GET: valid, expired, tampered, and without the role", async () => {
  const put = (token: string, key: string, options: Parameters<typeof getSignedUrl>[2] = { expiresIn: 300 }) =>
    getSignedUrl(sdk(token), new PutObjectCommand({ Bucket: BUCKET, Key: key }), options);
  const body = randomBytes(64 * 1024);
  const valid = await put(server.tokens.writer, "up.bin");
  expect((await fetch(valid, { method: "PUT", body })).status).toBe(200);
  const get = await getSignedUrl(sdk(server.tokens.reader), new GetObjectCommand({ Bucket: BUCKET, Key: "up.bin" }), { expiresIn: 300 });
  const got = await fetch(get);
  expect(Buffer.from(await got.arrayBuffer()).equals(body)).toBe(true);

  const byReader = await put(server.tokens.reader, "no.bin");
  expect(await errorCode(await fetch(byReader, { method: "PUT", body }))).toBe("AccessDenied");
  const old = await put(server.tokens.writer, "old.bin", { expiresIn: 60, signingDate: new Date(Date.now() - 3600_000) });
  expect(await errorCode(await fetch(old, { method: "PUT", body }))).toBe("AccessDenied");
  const longer = valid.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=3600");
  expect(await errorCode(await fetch(longer, { method: "PUT", body }))).toBe("SignatureDoesNotMatch");
  const unknown = (await put(server.tokens.writer, "x.bin")).replace(/strata_[0-9a-f]+/, `strata_${"0".repeat(40)}`);
  expect(await errorCode(await fetch(unknown, { method: "PUT", body }))).toBe("InvalidAccessKeyId");
  for (const key of ["no.bin", "old.bin"]) {
    const head = await fetch(await getSignedUrl(sdk(server.tokens.admin), new GetObjectCommand({ Bucket: BUCKET, Key: key })));
    expect(head.status).toBe(404);
  }
});

test("minio-js: multi-MiB single and multipart uploads, read back", async () => {
  const client = new Minio.Client({
    endPoint: "127.0.0.1",
    port: Number(new URL(server.url).port),
    useSSL: false,
    accessKey: server.tokens.writer,
    secretKey: server.tokens.writer,
    region: "us-east-1",
    pathStyle: true,
    partSize: 5 * 1024 * 1024,
  });
  for (const [key, size] of [["single.bin", 4 * 1024 * 1024 + 7], ["multi.bin", 11 * 1024 * 1024 + 3]] as const) {
    const data = randomBytes(size);
    await client.putObject(BUCKET, key, Readable.from([data.subarray(0, 1000), data.subarray(1000)]), size);
    const stream = await client.getObject(BUCKET, key);
    const hash = createHash("sha256");
    for await (const piece of stream) hash.update(piece);
    expect(hash.digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));
  }
  const reader = new Minio.Client({
    endPoint: "127.0.0.1", port: Number(new URL(server.url).port), useSSL: false,
    accessKey: server.tokens.reader, secretKey: server.tokens.reader, region: "us-east-1", pathStyle: true,
  });
  await expect(reader.putObject(BUCKET, "denied.bin", Buffer.from("x"))).rejects.toMatchObject({ code: "AccessDenied" });
}, 60_000);
