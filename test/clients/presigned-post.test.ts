// POST Object (AWS: "POST Object" API reference, "Browser-based uploads using POST (AWS Signature Version 4)")
// with forms signed by @aws-sdk/s3-presigned-post's createPresignedPost and by boto3's generate_presigned_post:
// signers we did not write. Each policy condition is violated once, and a violation stores nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { SignatureV4 } from "@smithy/signature-v4";
import { parseXml } from "../../src/s3/xml.ts";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { withAuthServer } from "../auth/helpers.ts";
import { expectError, http, type S3Http } from "../s3/http.ts";
import { AWS_ENV, missing, run } from "./tools.ts";

let server: StrataServer;
let s3: S3Http;
let client: S3Client;
beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
  client = new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "k", secretAccessKey: "k" } });
  expect((await s3.call("/forms", { method: "PUT" })).status).toBe(200);
});
afterAll(() => server.stop());

/** Sends a form as a browser would: fields in order, then the file. */
function post(url: string, fields: Record<string, string>, file: Blob | string, filename = "photo.png", extra: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...fields, ...extra })) form.append(k, v);
  form.append("file", typeof file === "string" ? new Blob([file]) : file, filename);
  return fetch(url, { method: "POST", body: form, redirect: "manual" });
}

const head = async (key: string) => (await s3.call(`/forms/${key}`, { method: "HEAD" })).status;

describe("createPresignedPost (@aws-sdk/s3-presigned-post)", () => {
  test("upload with a starts-with key and ${filename}, metadata, content type, status 201; one commit", async () => {
    const { url, fields } = await createPresignedPost(client, {
      Bucket: "forms",
      Key: "user/${filename}",
      Conditions: [["starts-with", "$key", "user/"], ["content-length-range", 1, 1024 * 1024], ["starts-with", "$Content-Type", "image/"], { "x-amz-meta-owner": "ana" }, { success_action_status: "201" }],
      Fields: { "Content-Type": "image/png", "x-amz-meta-owner": "ana", success_action_status: "201" },
      Expires: 600,
    });
    const before = (await s3.xml("/forms?versions")).text;
    const res = await post(url, fields, "png bytes");
    const text = await res.text();
    expect([res.status, text]).toEqual([201, expect.stringContaining("<Key>user/photo.png</Key>")]);
    expect(text).toContain("<Bucket>forms</Bucket>");
    expect(res.headers.get("location")).toBe(`${server.url}/forms/user/photo.png`);
    const version = res.headers.get("x-amz-version-id")!;
    expect(version).toMatch(/^[0-9a-f]{32}$/);
    const got = await s3.call("/forms/user/photo.png");
    expect([got.status, await got.text(), got.headers.get("content-type"), got.headers.get("x-amz-meta-owner"), got.headers.get("x-amz-version-id")]).toEqual([
      200, "png bytes", "image/png", "ana", version,
    ]);
    expect(res.headers.get("etag")).toBe(got.headers.get("etag"));
    expect(before).not.toContain(version);
  });

  // AWS: metadata "must conform to US-ASCII when using REST and UTF-8 when using SOAP or browser-based uploads
  // through POST"; returned RFC 2047 encoded ("User-defined object metadata").
  test("a form's UTF-8 metadata field is stored as its text and returned RFC 2047 encoded", async () => {
    const { url, fields } = await createPresignedPost(client, { Bucket: "forms", Key: "unicode.txt", Fields: { "x-amz-meta-name": "résumé ☃" }, Conditions: [{ "x-amz-meta-name": "résumé ☃" }] });
    expect((await post(url, fields, "u")).status).toBe(204);
    const got = await s3.call("/forms/unicode.txt", { method: "HEAD" });
    expect([got.status, got.headers.get("x-amz-meta-name")]).toEqual([200, `=?UTF-8?B?${Buffer.from("résumé ☃").toString("base64")}?=`]);
  });

  test("default answer 204; success_action_redirect answers 303 with bucket, key and etag", async () => {
    const plain = await createPresignedPost(client, { Bucket: "forms", Key: "plain.txt" });
    const res = await post(plain.url, plain.fields, "x");
    expect(res.status).toBe(204);
    const redirect = "http://127.0.0.1:1/done?from=form";
    const r = await createPresignedPost(client, { Bucket: "forms", Key: "redirected.txt", Fields: { success_action_redirect: redirect }, Conditions: [{ success_action_redirect: redirect }] });
    const res2 = await post(r.url, r.fields, "y");
    expect(res2.status).toBe(303);
    const to = new URL(res2.headers.get("location")!);
    expect([to.origin + to.pathname, to.searchParams.get("from"), to.searchParams.get("bucket"), to.searchParams.get("key")]).toEqual(["http://127.0.0.1:1/done", "form", "forms", "redirected.txt"]);
    expect(to.searchParams.get("etag")).toBe(res2.headers.get("etag"));
  });

  test("each violation answers S3's error and stores nothing", async () => {
    const signed = await createPresignedPost(client, {
      Bucket: "forms",
      Key: "v/${filename}",
      Conditions: [["starts-with", "$key", "v/"], ["content-length-range", 2, 10], { "Content-Type": "text/plain" }],
      Fields: { "Content-Type": "text/plain" },
    });
    const cases: [string, () => Promise<Response>, number, string, string?][] = [
      ["key outside starts-with", () => post(signed.url, { ...signed.fields, key: "elsewhere/x" }, "abc"), 403, "AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "v/"]'],
      ["Content-Type other than eq", () => post(signed.url, { ...signed.fields, "Content-Type": "text/html" }, "abc"), 403, "AccessDenied", "Policy Condition failed"],
      ["a field the policy does not name", () => post(signed.url, signed.fields, "abc", "photo.png", { "x-amz-meta-extra": "1" }), 403, "AccessDenied", "Extra input fields: x-amz-meta-extra"],
      ["file too large", () => post(signed.url, signed.fields, "12345678901"), 400, "EntityTooLarge"],
      ["file too small", () => post(signed.url, signed.fields, "1"), 400, "EntityTooSmall"],
      ["policy edited after signing", () => post(signed.url, { ...signed.fields, Policy: btoa(atob(signed.fields.Policy).replace('"v/"', '"w/"')) }, "abc"), 403, "SignatureDoesNotMatch"],
      ["policy that is not JSON (signature still verifies: auth off, key = secret)", () => signedWith("not json"), 400, "InvalidPolicyDocument"],
      ["wrong bucket", () => post(`${server.url}/other-forms`, signed.fields, "abc"), 403, "AccessDenied", 'Policy Condition failed: ["eq", "$bucket", "forms"]'],
      ["no key field", () => post(signed.url, withoutKey(signed.fields), "abc"), 400, "InvalidArgument", "Bucket POST must contain a field named 'key'."],
      ["no file", () => fetch(signed.url, { method: "POST", body: formOf(signed.fields) }), 400, "InvalidArgument", "POST requires exactly one file upload per request."],
      ["not a form", () => fetch(signed.url, { method: "POST", body: "key=x" , headers: { "content-type": "application/x-www-form-urlencoded" } }), 412, "PreconditionFailed"],
    ];
    await s3.call("/other-forms", { method: "PUT" });
    for (const [what, send, status, code, message] of cases) {
      const res = await send();
      const text = await expectError(res, status, code).catch((err) => `${what}: ${err}`);
      const got = (parseXml(text)?.Error as { Message?: string } | undefined)?.Message ?? text;
      expect([what, got]).toEqual([what, expect.stringContaining(message ?? "")]);
    }
    expect(await head("v/photo.png")).toBe(404);
    expect(await head("elsewhere/x")).toBe(404);
    expect((await s3.xml("/other-forms?list-type=2")).doc.ListBucketResult.KeyCount).toBe("0");
  });

  test("x-amz-checksum-* and Content-MD5 fields are verified as the file streams; a mismatch stores nothing", async () => {
    const sum = createHash("sha256").update("checked").digest("base64");
    const good = await createPresignedPost(client, { Bucket: "forms", Key: "summed.txt", Fields: { "x-amz-checksum-sha256": sum }, Conditions: [{ "x-amz-checksum-sha256": sum }] });
    expect((await post(good.url, good.fields, "checked")).status).toBe(204);
    const got = await s3.call("/forms/summed.txt", { headers: { "x-amz-checksum-mode": "ENABLED" } });
    expect([await got.text(), got.headers.get("x-amz-checksum-sha256")]).toEqual(["checked", sum]);
    await expectError(await post(good.url, good.fields, "tampered"), 400, "BadDigest");
    const md5 = createHash("md5").update("other").digest("base64");
    const bad = await createPresignedPost(client, { Bucket: "forms", Key: "md5.txt", Fields: { "Content-MD5": md5 }, Conditions: [{ "Content-MD5": md5 }] });
    await expectError(await post(bad.url, bad.fields, "not other"), 400, "BadDigest");
    expect(await head("md5.txt")).toBe(404);
    expect(await (await s3.call("/forms/summed.txt")).text()).toBe("checked");
  });

  test("an expired policy: AccessDenied Policy expired", async () => {
    const old = await createPresignedPost(client, { Bucket: "forms", Key: "late.txt", Expires: 1 });
    const doc = JSON.parse(atob(old.fields.Policy));
    doc.expiration = "2020-01-01T00:00:00.000Z";
    const res = await signedWith(JSON.stringify(doc), "late.txt");
    const text = await expectError(res, 403, "AccessDenied");
    expect(text).toContain("Invalid according to Policy: Policy expired.");
    expect(await head("late.txt")).toBe(404);
  });
});

test.skipIf(missing("python3"))("boto3 generate_presigned_post with auth on: every condition, met and violated once, nothing stored", async () => {
  const authed = await withAuthServer("boto-forms");
  try {
    const r = await run("python3", [path.join(import.meta.dir, "presigned_post.py"), authed.url, authed.tokens.admin], { env: AWS_ENV });
    if (r.code !== 0) throw new Error(`presigned_post.py failed:\n${r.stdout}\n${r.stderr}`);
    expect(r.stdout).toMatch(/^ok \d+ checks/m);
  } finally {
    await authed.stop();
  }
}, 60_000);

test("with auth off a form's credentials are not checked, its form is: any key pair uploads, a malformed credential does not", async () => {
  const form = await createPresignedPost(
    new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "AKIAREALLOOKING", secretAccessKey: "anything" } }),
    { Bucket: "forms", Key: "any-key.txt" },
  );
  expect((await post(form.url, form.fields, "x")).status).toBe(204);
  await expectError(await post(form.url, { ...form.fields, "X-Amz-Credential": "garbage" }, "x"), 400, "InvalidArgument");
});

function withoutKey(fields: Record<string, string>): Record<string, string> {
  const { key: _, ...rest } = fields;
  return rest;
}

function formOf(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

/** A form whose policy text we chose, its signature by the SDK's own SigV4 signer (key = secret "k", auth off). */
async function signedWith(policyJson: string, key = "bad.txt"): Promise<Response> {
  const signer = new SignatureV4({ credentials: { accessKeyId: "k", secretAccessKey: "k" }, region: "us-east-1", service: "s3", sha256: client.config.sha256 });
  const now = new Date();
  const date = now.toISOString().replace(/[-:]|\.\d{3}/g, "");
  const policy = btoa(policyJson);
  const fields = {
    key,
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": `k/${date.slice(0, 8)}/us-east-1/s3/aws4_request`,
    "X-Amz-Date": date,
    Policy: policy,
    "X-Amz-Signature": await signer.sign(policy, { signingDate: now }),
  };
  return post(`${server.url}/forms`, fields, "abc");
}
