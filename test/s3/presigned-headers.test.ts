// x-amz-* headers a presigned URL carries in its query (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html):
// S3 applies them as headers; query authentication's own parameters stay authentication's, and checksums are not
// applied ("Amazon S3 presigned URLs don't support" them for uploads: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { withPresignedHeaders } from "../../src/s3/presigned-headers.ts";
import { type AuthServer, withAuthServer } from "../auth/helpers.ts";

describe("withPresignedHeaders", () => {
  const cases: Array<[string, Record<string, string>, string, Record<string, string>]> = [
    ["user metadata and tagging are added", {}, "x-amz-meta-color=red&x-amz-tagging=a%3D1", { "x-amz-meta-color": "red", "x-amz-tagging": "a=1" }],
    ["names are case-insensitive", {}, "X-Amz-Meta-Shape=round", { "x-amz-meta-shape": "round" }],
    ["a header the request sends wins", { "x-amz-acl": "private" }, "x-amz-acl=public-read", { "x-amz-acl": "private" }],
    ["the first of repeated parameters wins", {}, "x-amz-meta-n=1&x-amz-meta-n=2", { "x-amz-meta-n": "1" }],
    ["authentication's parameters are not headers", {}, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=k&X-Amz-Date=d&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=s&X-Amz-Security-Token=t&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD", {}],
    ["checksums are not applied", {}, "x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32", {}],
    ["other parameters are not headers", {}, "versionId=v&partNumber=1&uploadId=u", {}],
  ];
  for (const [what, sent, query, added] of cases) {
    test(what, () => {
      const headers = new Headers(sent);
      const merged = withPresignedHeaders(headers, new URLSearchParams(query));
      const all: Record<string, string> = {};
      merged.forEach((value, name) => (all[name] = value));
      expect(all).toEqual({ ...sent, ...added });
      if (Object.keys(added).every((name) => headers.has(name))) expect(merged).toBe(headers); // nothing to add: no copy
    });
  }

  test("a value no header can carry (NUL, CR, LF once decoded) is 400 InvalidArgument naming the parameter", () => {
    for (const query of ["x-amz-meta-a=%00", "x-amz-tagging=a%0D%0Ab", "x-amz-acl=a%0Ab"]) {
      const name = query.split("=")[0];
      expect(() => withPresignedHeaders(new Headers(), new URLSearchParams(query))).toThrow(expect.objectContaining({ code: "InvalidArgument", extra: { ArgumentName: name } }));
    }
  });
});

describe("a presigned PUT made by the JS SDK, auth on", () => {
  let server: AuthServer;
  let client: S3Client;
  beforeAll(async () => {
    server = await withAuthServer("pre");
    const token = server.tokens.admin;
    client = new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: token, secretAccessKey: token } });
    await client.send(new CreateBucketCommand({ Bucket: "pre" }));
  });
  afterAll(() => server.stop());

  test("its metadata and tags, hoisted into the signed query, are the object's; the empty-body CRC32 signed into it is not checked", async () => {
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: "pre", Key: "up.txt", Metadata: { owner: "ann" }, Tagging: "via=url" }), { expiresIn: 60 });
    const query = new URL(url).searchParams;
    expect([query.get("x-amz-meta-owner"), query.get("x-amz-tagging")]).toEqual(["ann", "via=url"]);
    const res = await fetch(url, { method: "PUT", body: "uploaded through a presigned URL" });
    expect(res.status).toBe(200);
    const head = await client.send(new HeadObjectCommand({ Bucket: "pre", Key: "up.txt" }));
    expect([head.Metadata, head.ContentLength]).toEqual([{ owner: "ann" }, 32]);
    expect((await client.send(new GetObjectTaggingCommand({ Bucket: "pre", Key: "up.txt" }))).TagSet).toEqual([{ Key: "via", Value: "url" }]);
  });

  test("a hoisted header cannot be changed without breaking the signature", async () => {
    const url = new URL(await getSignedUrl(client, new PutObjectCommand({ Bucket: "pre", Key: "tampered.txt", Metadata: { owner: "ann" } }), { expiresIn: 60 }));
    url.searchParams.set("x-amz-meta-owner", "mallory");
    const res = await fetch(url, { method: "PUT", body: "x" });
    expect([res.status, /<Code>([^<]+)/.exec(await res.text())?.[1]]).toEqual([403, "SignatureDoesNotMatch"]);
  });
});
