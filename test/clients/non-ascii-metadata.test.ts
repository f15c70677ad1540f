// Non-ASCII user metadata through real clients, with auth on and off: the signatures AWS's signers make over it
// verify, and GET/HEAD return it as AWS does, one RFC 2047 encoded word of its UTF-8 when it is not ASCII
// ("User-defined object metadata", https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as path from "node:path";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import type { StrataServer } from "../../src/server.ts";
import { withAuthServer } from "../auth/helpers.ts";
import { withServer } from "../helpers/server.ts";
import { AWS_ENV, missing, run, runOk } from "./tools.ts";

const skipPython = missing("python3") || ((await run("python3", ["-c", "import boto3"])).code !== 0 && missing("boto3 (python module)"));
const encodedWord = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString("base64")}?=`;

for (const auth of [false, true]) {
  describe(`non-ASCII metadata, auth ${auth ? "on" : "off"}`, () => {
    let server: StrataServer;
    let key = "x";
    beforeAll(async () => {
      if (auth) {
        const s = await withAuthServer("meta");
        server = s;
        key = s.tokens.admin;
        await client().send(new CreateBucketCommand({ Bucket: bucket }));
        key = s.tokens.writer;
      } else {
        server = await withServer();
        await client().send(new CreateBucketCommand({ Bucket: bucket }));
      }
    });
    afterAll(() => server.stop());
    const bucket = "master.meta";

    const client = (handler?: FetchHttpHandler) =>
      new S3Client({
        endpoint: server.url, region: "us-east-1", forcePathStyle: true, maxAttempts: 1,
        credentials: { accessKeyId: key, secretAccessKey: key }, ...(handler ? { requestHandler: handler } : {}),
      });

    test("@aws-sdk/client-s3: raw UTF-8 (node:http), Latin-1 (fetch) and RFC 2047 encoded by the caller", async () => {
      // node:http sends "é" as UTF-8; fetch sends it as one Latin-1 byte; neither can send U+2603 at all, so a
      // JS caller encodes such a value itself, and the server stores the text it encodes.
      const cases: Array<[string, S3Client, Record<string, string>, Record<string, string>]> = [
        ["node-http", client(), { name: "résumé", plain: "ascii" }, { name: encodedWord("résumé"), plain: "ascii" }],
        ["fetch", client(new FetchHttpHandler()), { name: "résumé" }, { name: encodedWord("résumé") }],
        ["encoded", client(), { name: encodedWord("résumé ☃") }, { name: encodedWord("résumé ☃") }],
        ["q-encoded", client(), { name: "=?utf-8?q?r=C3=A9sum=C3=A9_=E2=98=83?=" }, { name: encodedWord("résumé ☃") }],
      ];
      const s3 = client();
      for (const [name, sdk, sent, returned] of cases) {
        await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: "x", Metadata: sent }));
        expect((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: name }))).Metadata).toEqual(returned);
        expect((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: name }))).Metadata).toEqual(returned);
      }
    });

    test.skipIf(skipPython)("boto3: RFC 2047 by hand, and raw UTF-8 with botocore's ASCII check unregistered", async () => {
      const env = { ...AWS_ENV, AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: key };
      const out = await runOk("python3", [path.join(import.meta.dir, "non_ascii_metadata.py"), server.url, bucket], { env });
      expect(out).toContain("ok");
    }, 60_000);
  });
}
