// Object and bucket tagging as AWS documents it: PutObjectTagging / GetObjectTagging / DeleteObjectTagging
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html and neighbours), x-amz-tagging on
// PutObject, CreateMultipartUpload and CopyObject (with x-amz-tagging-directive), POST Object's `tagging` field,
// x-amz-tagging-count on GET/HEAD (API_GetObject), PutBucketTagging / GetBucketTagging / DeleteBucketTagging;
// the limits of "Categorizing your storage using tags" (userguide/object-tagging.html). Retagging makes no new
// version: the repo's tag index (docs/versioning.md, "Tags").
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectTaggingCommand,
  GetBucketTaggingCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import * as fs from "node:fs";
import { defaultConfig } from "../../src/config.ts";
import { startServer, type StrataServer } from "../../src/server.ts";
import { checkTags, parseTaggingHeader, parseTaggingXml } from "../../src/s3/tagging.ts";
import { S3Error } from "../../src/s3/errors.ts";
import { tempDir, withServer } from "../helpers/server.ts";
import { expectError, http, type S3Http } from "./http.ts";

// ---- the pure parser and validator ----

/** What a parse gives: the sorted tag set, or the S3 error code and message it throws. */
function outcome(parse: () => unknown): unknown {
  try {
    return parse();
  } catch (err) {
    if (err instanceof S3Error) return `${err.code}: ${err.message}`;
    throw err;
  }
}

const INVALID_KEY = "InvalidTag: The TagKey you have provided is invalid";
const INVALID_VALUE = "InvalidTag: The TagValue you have provided is invalid";
const BAD_HEADER = "InvalidArgument: The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";
const numbered = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v`).join("&");

describe("x-amz-tagging (API_PutObject: URL query parameters)", () => {
  const cases: Array<[string, string | null, unknown]> = [
    ["absent", null, undefined],
    ["empty", "", undefined],
    ["one pair", "a=b", [["a", "b"]]],
    ["pairs come back in key order (ceph s3-tests test_put_obj_with_tags)", "foo=bar&bar", [["bar", ""], ["foo", "bar"]]],
    ["percent-encoding and + as a space", "Project%20X=a+b%2Fc&k%3D=v%3D", [["Project X", "a b/c"], ["k=", "v="]]],
    ["an empty value", "a=", [["a", ""]]],
    ["empty segments are skipped", "a=b&&c=d&", [["a", "b"], ["c", "d"]]],
    ["non-ASCII letters", "caf%C3%A9=%E6%97%A5%E6%9C%AC", [["café", "日本"]]],
    ["ten tags", numbered(10), numbered(10).split("&").map((p) => p.split("=")).sort(([a], [b]) => (a < b ? -1 : 1))],
    ["eleven tags: BadRequest, as S3 answers (terraform-provider-aws#19895)", numbered(11), "BadRequest: Object tags cannot be greater than 10"],
    ["a second raw = (aws-cli#2841)", "TagSet=[{Key=string,Value=string}]", BAD_HEADER],
    ["a key named twice", "a=1&a=2", BAD_HEADER],
    ["bad percent-encoding", "a=%E0%A4%A", BAD_HEADER],
    ["an empty key", "=v", INVALID_KEY],
    ["a character outside letters, digits, space and _.:/=+-@", "a%26b=v", INVALID_KEY],
    ["a bad character in a value", "a=x%2Cy", INVALID_VALUE],
    ["a 128-unit key", `${"k".repeat(128)}=v`, [["k".repeat(128), "v"]]],
    ["a 129-unit key", `${"k".repeat(129)}=v`, INVALID_KEY],
    ["a 256-unit value", `k=${"v".repeat(256)}`, [["k", "v".repeat(256)]]],
    ["a 257-unit value", `k=${"v".repeat(257)}`, INVALID_VALUE],
    ["the reserved aws: prefix", "aws:cost=1", "InvalidTag: Your TagKey cannot be prefixed with aws:"],
    ["aws without the colon is no prefix", "awsome=1", [["awsome", "1"]]],
  ];
  for (const [name, header, expected] of cases) test(name, () => expect(outcome(() => parseTaggingHeader(header))).toEqual(expected));
});

const doc = (tags: Array<[string, string]>) => `<Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join("")}</TagSet></Tagging>`;

describe("the Tagging document (API_Tagging, API_Tag)", () => {
  const fifty = Array.from({ length: 50 }, (_, i): [string, string] => [`k${String(i).padStart(2, "0")}`, "v"]);
  const cases: Array<[string, string, "object" | "bucket", unknown]> = [
    ["two tags, sorted", doc([["b", "2"], ["a", "1"]]), "object", [["a", "1"], ["b", "2"]]],
    ["with S3's namespace and white space", `<?xml version="1.0"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n <TagSet>\n  <Tag><Key>a</Key><Value>1</Value></Tag>\n </TagSet>\n</Tagging>`, "object", [["a", "1"]]],
    ["an empty value element", "<Tagging><TagSet><Tag><Key>a</Key><Value/></Tag></TagSet></Tagging>", "object", [["a", ""]]],
    ["an empty tag set", "<Tagging><TagSet/></Tagging>", "object", []],
    ["an empty tag set with white space", "<Tagging><TagSet>\n  </TagSet></Tagging>", "bucket", []],
    ["escaped text", doc([["a&amp;b", "1"]]), "object", INVALID_KEY],
    ["a key twice", doc([["a", "1"], ["a", "2"]]), "object", "InvalidTag: Cannot provide multiple Tags with the same key"],
    ["eleven object tags", doc(fifty.slice(0, 11)), "object", "BadRequest: Object tags cannot be greater than 10"],
    ["fifty bucket tags", doc(fifty), "bucket", fifty],
    ["fifty-one bucket tags", doc([...fifty, ["z", "v"]]), "bucket", "BadRequest: Bucket tags cannot be greater than 50"],
    ["aws: on a bucket (moto's AWS-verified test)", doc([["aws:x", "1"]]), "bucket", "InvalidTag: System tags cannot be added/updated by requester"],
    ["not XML", "<Tagging><TagSet>", "object", "MalformedXML: The XML you provided was not well-formed or did not validate against our published schema."],
    ["no TagSet", "<Tagging></Tagging>", "object", expect.stringContaining("MalformedXML")],
    ["another root", "<Tags><TagSet/></Tags>", "object", expect.stringContaining("MalformedXML")],
    ["a tag without a value", "<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>", "object", expect.stringContaining("MalformedXML")],
    ["a tag with two keys", "<Tagging><TagSet><Tag><Key>a</Key><Key>b</Key><Value>1</Value></Tag></TagSet></Tagging>", "object", expect.stringContaining("MalformedXML")],
    ["a key holding elements", "<Tagging><TagSet><Tag><Key><x/></Key><Value>1</Value></Tag></TagSet></Tagging>", "object", expect.stringContaining("MalformedXML")],
    ["an empty body", "", "object", expect.stringContaining("MalformedXML")],
    // schema validation: a second TagSet, or an element a Tag does not have, is not silently dropped
    ["two tag sets", "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet><TagSet/></Tagging>", "object", expect.stringContaining("MalformedXML")],
    ["a tag with an unknown element", "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value><Extra/></Tag></TagSet></Tagging>", "object", expect.stringContaining("MalformedXML")],
    ["text beside the tags", "<Tagging><TagSet>junk<Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>", "object", expect.stringContaining("MalformedXML")],
  ];
  for (const [name, text, what, expected] of cases) test(name, () => expect(outcome(() => parseTaggingXml(text, what))).toEqual(expected));

  test("lengths count UTF-16 units (\"internally represented in UTF-16\"): 64 astral characters are a 128-unit key", () => {
    const astral = "𝒜".repeat(64);
    expect(checkTags([[astral, ""]], "object")).toEqual([[astral, ""]]);
    expect(outcome(() => checkTags([[`${astral}a`, ""]], "object"))).toBe(INVALID_KEY);
  });
});

// ---- through a server ----

let server: StrataServer;
let client: S3Client;
let s3: S3Http;
const B = "tags";
beforeAll(async () => {
  server = await withServer();
  client = new S3Client({ endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  s3 = http(server);
  await client.send(new CreateBucketCommand({ Bucket: B }));
});
afterAll(() => server.stop());

const tagsOf = async (Key: string, VersionId?: string, Bucket = B) => {
  const out = await client.send(new GetObjectTaggingCommand({ Bucket, Key, VersionId }));
  return { version: out.VersionId, tags: (out.TagSet ?? []).map((t) => [t.Key, t.Value]) };
};
const tagging = (tags: Array<[string, string]>) => ({ TagSet: tags.map(([Key, Value]) => ({ Key, Value })) });
async function sdkError(p: Promise<unknown>): Promise<{ code: string; status?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return { code: err.name, status: err.$metadata.httpStatusCode, message: err.message };
    throw err;
  }
  throw new Error("expected the request to fail");
}

describe("object tags", () => {
  test("PutObject's x-amz-tagging, read back by GetObjectTagging; GET and HEAD count them (API_GetObject: x-amz-tagging-count)", async () => {
    const put = await client.send(new PutObjectCommand({ Bucket: B, Key: "a.txt", Body: "a", Tagging: "project=blue&classification=open" }));
    expect(await tagsOf("a.txt")).toEqual({ version: put.VersionId, tags: [["classification", "open"], ["project", "blue"]] });
    expect((await client.send(new GetObjectCommand({ Bucket: B, Key: "a.txt" }))).TagCount).toBe(2);
    expect((await s3.call(`/${B}/a.txt`, { method: "HEAD" })).headers.get("x-amz-tagging-count")).toBe("2");
    await client.send(new PutObjectCommand({ Bucket: B, Key: "plain.txt", Body: "p" }));
    const plain = await s3.call(`/${B}/plain.txt`);
    expect(plain.headers.has("x-amz-tagging-count")).toBe(false);
    expect(await tagsOf("plain.txt")).toEqual({ version: expect.any(String), tags: [] });
  });

  test("the Tagging answer's shape: S3's namespace, x-amz-version-id, an empty TagSet for an untagged object", async () => {
    const { res, text } = await s3.xml(`/${B}/plain.txt?tagging`);
    expect(res.headers.get("x-amz-version-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(text).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet></TagSet></Tagging>`);
    const tagged = await s3.xml(`/${B}/a.txt?tagging`);
    expect(tagged.text).toContain("<TagSet><Tag><Key>classification</Key><Value>open</Value></Tag><Tag><Key>project</Key><Value>blue</Value></Tag></TagSet>");
  });

  test("PutObjectTagging and DeleteObjectTagging change the current version's tags without a new version", async () => {
    const put = await client.send(new PutObjectCommand({ Bucket: B, Key: "re.txt", Body: "r", Tagging: "old=1" }));
    const versionsBefore = (await client.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: "re.txt" }))).Versions!.length;
    const answer = await client.send(new PutObjectTaggingCommand({ Bucket: B, Key: "re.txt", Tagging: tagging([["new", "2"], ["also", "3"]]) }));
    expect(answer.VersionId).toBe(put.VersionId);
    expect(await tagsOf("re.txt")).toEqual({ version: put.VersionId, tags: [["also", "3"], ["new", "2"]] });
    const get = await client.send(new GetObjectCommand({ Bucket: B, Key: "re.txt" }));
    expect([get.VersionId, get.TagCount, get.ETag, await get.Body!.transformToString()]).toEqual([put.VersionId, 2, put.ETag, "r"]);
    const deleted = await client.send(new DeleteObjectTaggingCommand({ Bucket: B, Key: "re.txt" }));
    expect([deleted.VersionId, deleted.$metadata.httpStatusCode]).toEqual([put.VersionId, 204]);
    expect((await tagsOf("re.txt")).tags).toEqual([]);
    expect((await s3.call(`/${B}/re.txt`)).headers.has("x-amz-tagging-count")).toBe(false);
    // back to the tags it was written with
    await client.send(new PutObjectTaggingCommand({ Bucket: B, Key: "re.txt", Tagging: tagging([["old", "1"]]) }));
    expect((await tagsOf("re.txt")).tags).toEqual([["old", "1"]]);
    expect((await client.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: "re.txt" }))).Versions!.length).toBe(versionsBefore);
    // an empty tag set deletes them ("If you send this request with an empty tag set, Amazon S3 deletes the existing tag set")
    await client.send(new PutObjectTaggingCommand({ Bucket: B, Key: "re.txt", Tagging: { TagSet: [] } }));
    expect((await tagsOf("re.txt")).tags).toEqual([]);
  });

  test("with versionId: an older version's tags, each version its own; GetObjectAttributes is unaffected", async () => {
    const v1 = (await client.send(new PutObjectCommand({ Bucket: B, Key: "v.txt", Body: "one", Tagging: "n=1" }))).VersionId!;
    const v2 = (await client.send(new PutObjectCommand({ Bucket: B, Key: "v.txt", Body: "two", Tagging: "n=2" }))).VersionId!;
    await client.send(new PutObjectTaggingCommand({ Bucket: B, Key: "v.txt", VersionId: v1, Tagging: tagging([["n", "one"]]) }));
    expect(await tagsOf("v.txt", v1)).toEqual({ version: v1, tags: [["n", "one"]] });
    expect(await tagsOf("v.txt", v2)).toEqual({ version: v2, tags: [["n", "2"]] });
    expect(await tagsOf("v.txt")).toEqual({ version: v2, tags: [["n", "2"]] });
    expect((await client.send(new GetObjectCommand({ Bucket: B, Key: "v.txt", VersionId: v1 }))).TagCount).toBe(1);
    const attrs = await client.send(new GetObjectAttributesCommand({ Bucket: B, Key: "v.txt", VersionId: v1, ObjectAttributes: ["ObjectSize", "ETag"] }));
    expect([attrs.ObjectSize, attrs.VersionId]).toEqual([3, v1]);
  });

  test("every bucket that shows the version shows its tags now: commit buckets, other branches, tags", async () => {
    const v = (await client.send(new PutObjectCommand({ Bucket: B, Key: "shared.txt", Body: "s", Tagging: "at=put" }))).VersionId!;
    await fetch(`${server.url}/_strata/branches`, { method: "POST", body: JSON.stringify({ ref: `dev.${B}`, from: "master" }) });
    await client.send(new PutObjectTaggingCommand({ Bucket: B, Key: "shared.txt", Tagging: tagging([["at", "later"]]) }));
    for (const bucket of [B, `${v}.master.${B}`, `${v}.${B}`, `dev.${B}`]) expect({ bucket, ...(await tagsOf("shared.txt", undefined, bucket)) }).toEqual({ bucket, version: v, tags: [["at", "later"]] });
    // commit buckets are read-only: tagging through one is AccessDenied, like every write there
    await expectError(await s3.call(`/${v}.master.${B}/shared.txt?tagging`, { method: "PUT", body: doc([["x", "1"]]) }), 403, "AccessDenied");
    await expectError(await s3.call(`/${v}.master.${B}/shared.txt?tagging`, { method: "DELETE" }), 403, "AccessDenied");
  });

  test("errors as AWS: InvalidTag, BadRequest, MalformedXML, NoSuchKey, NoSuchVersion, 405 on a delete marker", async () => {
    const put = (body: string, key = "a.txt") => s3.call(`/${B}/${key}?tagging`, { method: "PUT", body });
    expect(await expectError(await put(doc([["a", "1"], ["a", "2"]])), 400, "InvalidTag")).toContain("<TagKey>a</TagKey>");
    expect(await expectError(await put(doc([["aws:x", "1"]])), 400, "InvalidTag")).toContain("Your TagKey cannot be prefixed with aws:");
    expect(await expectError(await put(doc(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]))), 400, "BadRequest")).toContain("Object tags cannot be greater than 10");
    await expectError(await put("<Tagging><TagSet>"), 400, "MalformedXML");
    await expectError(await put(""), 400, "MalformedXML");
    await expectError(await put(`<Tagging><TagSet>${" ".repeat(200 * 1024)}</TagSet></Tagging>`), 400, "MaxMessageLengthExceeded");
    await expectError(await put(doc([["k", "v"]]), "nope.txt"), 404, "NoSuchKey");
    await expectError(await s3.call(`/${B}/nope.txt?tagging`), 404, "NoSuchKey");
    await expectError(await s3.call(`/${B}/a.txt?tagging&versionId=${"0".repeat(32)}`), 404, "NoSuchVersion");
    await expectError(await s3.call(`/${B}/a.txt?tagging&versionId=nope`), 400, "InvalidArgument");
    expect((await tagsOf("a.txt")).tags).toEqual([["classification", "open"], ["project", "blue"]]); // nothing changed
    await client.send(new PutObjectCommand({ Bucket: B, Key: "gone.txt", Body: "g" }));
    const marker = (await client.send(new DeleteObjectCommand({ Bucket: B, Key: "gone.txt" }))).VersionId!;
    await expectError(await s3.call(`/${B}/gone.txt?tagging&versionId=${marker}`, { method: "PUT", body: doc([["k", "v"]]) }), 405, "MethodNotAllowed");
    await expectError(await s3.call(`/${B}/gone.txt?tagging&versionId=${marker}`), 405, "MethodNotAllowed");
    await expectError(await s3.call(`/${B}/gone.txt?tagging`), 404, "NoSuchKey");
    // a bad x-amz-tagging stores nothing
    const bad = await sdkError(client.send(new PutObjectCommand({ Bucket: B, Key: "never.txt", Body: "n", Tagging: "aws:x=1" })));
    expect([bad.code, bad.status, bad.message]).toEqual(["InvalidTag", 400, "Your TagKey cannot be prefixed with aws:"]);
    expect((await sdkError(client.send(new PutObjectCommand({ Bucket: B, Key: "never.txt", Body: "n", Tagging: numbered(11) })))).code).toBe("BadRequest");
    await expectError(await s3.call(`/${B}/never.txt`), 404, "NoSuchKey");
  });

  test("a presigned PUT carries x-amz-tagging in its query (the presigner hoists it), and S3 applies it there", async () => {
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: B, Key: "presigned.txt", Tagging: "via=url" }), { expiresIn: 60 });
    expect(new URL(url).searchParams.get("x-amz-tagging")).toBe("via=url");
    expect((await fetch(url, { method: "PUT", body: "p" })).status).toBe(200);
    expect((await tagsOf("presigned.txt")).tags).toEqual([["via", "url"]]);
  });

  test("a multipart upload's x-amz-tagging is the object's at completion", async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp.bin", Tagging: "kind=multipart" }));
    const part = await client.send(new UploadPartCommand({ Bucket: B, Key: "mp.bin", UploadId, PartNumber: 1, Body: "only part" }));
    const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: "mp.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    expect(await tagsOf("mp.bin")).toEqual({ version: done.VersionId, tags: [["kind", "multipart"]] });
    expect((await sdkError(client.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp2.bin", Tagging: "a=1&a=2" })))).code).toBe("InvalidArgument");
  });

  test("CopyObject: x-amz-tagging-directive COPY (the default) takes the source's tags now, REPLACE the request's (API_CopyObject)", async () => {
    await client.send(new PutObjectCommand({ Bucket: B, Key: "src.txt", Body: "s", Tagging: "at=put" }));
    await client.send(new PutObjectTaggingCommand({ Bucket: B, Key: "src.txt", Tagging: tagging([["at", "retagged"]]) }));
    const CopySource = `${B}/src.txt`;
    await client.send(new CopyObjectCommand({ Bucket: B, Key: "copy.txt", CopySource }));
    expect((await tagsOf("copy.txt")).tags).toEqual([["at", "retagged"]]);
    await client.send(new CopyObjectCommand({ Bucket: B, Key: "copy2.txt", CopySource, TaggingDirective: "REPLACE", Tagging: "mine=1" }));
    expect((await tagsOf("copy2.txt")).tags).toEqual([["mine", "1"]]);
    await client.send(new CopyObjectCommand({ Bucket: B, Key: "copy3.txt", CopySource, TaggingDirective: "REPLACE" }));
    expect((await tagsOf("copy3.txt")).tags).toEqual([]);
    // metadata REPLACE leaves the tags to the tagging directive
    await client.send(new CopyObjectCommand({ Bucket: B, Key: "copy4.txt", CopySource, MetadataDirective: "REPLACE", ContentType: "text/plain" }));
    expect((await tagsOf("copy4.txt")).tags).toEqual([["at", "retagged"]]);
    const bad = await s3.call(`/${B}/copy5.txt`, { method: "PUT", headers: { "x-amz-copy-source": `/${CopySource}`, "x-amz-tagging-directive": "MERGE" } });
    await expectError(bad, 400, "InvalidArgument");
  });

  test("POST Object's tagging field (a Tagging document)", async () => {
    const form = new FormData();
    form.append("key", "posted.txt");
    form.append("tagging", doc([["via", "form"]]));
    form.append("file", new Blob(["posted"]), "posted.txt");
    expect((await fetch(`${server.url}/${B}`, { method: "POST", body: form })).status).toBe(204);
    expect((await tagsOf("posted.txt")).tags).toEqual([["via", "form"]]);
    const bad = new FormData();
    bad.append("key", "posted2.txt");
    bad.append("tagging", "<Tagging>");
    bad.append("file", new Blob(["x"]), "x.txt");
    await expectError(await fetch(`${server.url}/${B}`, { method: "POST", body: bad }), 400, "MalformedXML");
  });

  test("a protected branch refuses retagging (403), as every direct write", async () => {
    await client.send(new CreateBucketCommand({ Bucket: `safe.${B}` }));
    await client.send(new PutObjectCommand({ Bucket: `safe.${B}`, Key: "k", Body: "k", Tagging: "a=1" }));
    await server.repo.setProtected(B, "safe", true);
    await expectError(await s3.call(`/safe.${B}/k?tagging`, { method: "PUT", body: doc([["a", "2"]]) }), 403, "AccessDenied");
    expect((await tagsOf("k", undefined, `safe.${B}`)).tags).toEqual([["a", "1"]]);
  });

  test("versioning suspended: a write replaces the null version, and the old one's retag goes with it", async () => {
    await client.send(new CreateBucketCommand({ Bucket: `sus.${B}` }));
    await s3.call(`/sus.${B}?versioning`, { method: "PUT", body: "<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>" });
    await client.send(new PutObjectCommand({ Bucket: `sus.${B}`, Key: "n.txt", Body: "1", Tagging: "at=put" }));
    await client.send(new PutObjectTaggingCommand({ Bucket: `sus.${B}`, Key: "n.txt", VersionId: "null", Tagging: tagging([["at", "retag"]]) }));
    expect(await tagsOf("n.txt", "null", `sus.${B}`)).toEqual({ version: "null", tags: [["at", "retag"]] });
    const { repo } = server;
    const indexed = () => [...repo.versions.tags.index.scan(repo.versions.getRepo(B, "durable")!.tagging ?? null)].filter(([k]) => k.endsWith("n.txt")).length;
    expect(indexed()).toBe(1);
    await client.send(new PutObjectCommand({ Bucket: `sus.${B}`, Key: "n.txt", Body: "2" }));
    expect(await tagsOf("n.txt", undefined, `sus.${B}`)).toEqual({ version: "null", tags: [] });
    expect(indexed()).toBe(0);
  });

  test("purging a version takes its tags with it; gc and fsck keep the tag index", async () => {
    const keep = (await client.send(new PutObjectCommand({ Bucket: B, Key: "p.txt", Body: "keep" }))).VersionId!;
    const gone = (await client.send(new PutObjectCommand({ Bucket: B, Key: "p.txt", Body: "gone" }))).VersionId!;
    await client.send(new PutObjectTaggingCommand({ Bucket: B, Key: "p.txt", VersionId: keep, Tagging: tagging([["k", "kept"]]) }));
    await client.send(new PutObjectTaggingCommand({ Bucket: B, Key: "p.txt", VersionId: gone, Tagging: tagging([["k", "gone"]]) }));
    const { repo } = server;
    const indexed = () => [...repo.versions.tags.index.scan(repo.versions.getRepo(B, "durable")!.tagging ?? null)].map(([k]) => k);
    expect(indexed()).toContain(`${gone}p.txt`);
    await client.send(new DeleteObjectCommand({ Bucket: B, Key: "p.txt", VersionId: gone }));
    expect(indexed()).not.toContain(`${gone}p.txt`);
    expect(indexed()).toContain(`${keep}p.txt`);
    await expectError(await s3.call(`/${B}/p.txt?tagging&versionId=${gone}`), 404, "NoSuchVersion");
    await repo.gc({ minLiveFraction: 1, minAgeMs: 0 });
    repo.dropCaches(); // read the tag index from the packs again, not from decoded nodes
    expect(await tagsOf("p.txt")).toEqual({ version: keep, tags: [["k", "kept"]] });
    const fsck = await repo.fsck();
    expect(fsck.problems).toEqual([]);
    expect(fsck.ok).toBe(true);
  });
});

describe("bucket tags", () => {
  const bucketTags = async (Bucket: string) => ((await client.send(new GetBucketTaggingCommand({ Bucket }))).TagSet ?? []).map((t) => [t.Key, t.Value]);

  test("NoSuchTagSet until set; Put replaces, Delete removes (204); per branch", async () => {
    await client.send(new CreateBucketCommand({ Bucket: `bt.${B}` }));
    const none = await sdkError(client.send(new GetBucketTaggingCommand({ Bucket: `bt.${B}` })));
    expect([none.code, none.status]).toEqual(["NoSuchTagSet", 404]);
    const put = await client.send(new PutBucketTaggingCommand({ Bucket: `bt.${B}`, Tagging: tagging([["team", "data"], ["cost", "42"]]) }));
    expect(put.$metadata.httpStatusCode).toBe(204);
    expect(await bucketTags(`bt.${B}`)).toEqual([["cost", "42"], ["team", "data"]]);
    await client.send(new PutBucketTaggingCommand({ Bucket: `bt.${B}`, Tagging: tagging([["team", "ml"]]) }));
    expect(await bucketTags(`bt.${B}`)).toEqual([["team", "ml"]]);
    expect((await sdkError(client.send(new GetBucketTaggingCommand({ Bucket: B })))).code).toBe("NoSuchTagSet"); // another branch
    const { text } = await s3.xml(`/bt.${B}?tagging`);
    expect(text).toContain("<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>team</Key><Value>ml</Value></Tag></TagSet></Tagging>");
    expect((await client.send(new DeleteBucketTaggingCommand({ Bucket: `bt.${B}` }))).$metadata.httpStatusCode).toBe(204);
    expect((await sdkError(client.send(new GetBucketTaggingCommand({ Bucket: `bt.${B}` })))).code).toBe("NoSuchTagSet");
    // an empty tag set leaves the bucket without tags
    await client.send(new PutBucketTaggingCommand({ Bucket: `bt.${B}`, Tagging: tagging([["a", "1"]]) }));
    await client.send(new PutBucketTaggingCommand({ Bucket: `bt.${B}`, Tagging: { TagSet: [] } }));
    expect((await sdkError(client.send(new GetBucketTaggingCommand({ Bucket: `bt.${B}` })))).code).toBe("NoSuchTagSet");
  });

  test("validation: 50 tags at most, aws: reserved, MalformedXML", async () => {
    const fifty = Array.from({ length: 50 }, (_, i): [string, string] => [`k${i}`, "v"]);
    await client.send(new PutBucketTaggingCommand({ Bucket: B, Tagging: tagging(fifty) }));
    expect((await bucketTags(B)).length).toBe(50);
    expect(await expectError(await s3.call(`/${B}?tagging`, { method: "PUT", body: doc([...fifty, ["z", "v"]]) }), 400, "BadRequest")).toContain("Bucket tags cannot be greater than 50");
    expect(await expectError(await s3.call(`/${B}?tagging`, { method: "PUT", body: doc([["aws:x", "1"]]) }), 400, "InvalidTag")).toContain("System tags cannot be added/updated by requester");
    await expectError(await s3.call(`/${B}?tagging`, { method: "PUT", body: "<nope" }), 400, "MalformedXML");
    expect((await bucketTags(B)).length).toBe(50); // unchanged
    await expectError(await s3.call(`/nobucket?tagging`), 404, "NoSuchBucket");
  });

  test("commit and tag buckets are read-only (403); a commit bucket shows its branch's tags", async () => {
    const v = (await client.send(new PutObjectCommand({ Bucket: B, Key: "c.txt", Body: "c" }))).VersionId!;
    await expectError(await s3.call(`/${v}.master.${B}?tagging`, { method: "PUT", body: doc([["a", "1"]]) }), 403, "AccessDenied");
    await expectError(await s3.call(`/${v}.master.${B}?tagging`, { method: "DELETE" }), 403, "AccessDenied");
    expect((await bucketTags(`${v}.master.${B}`)).length).toBe(50);
    await server.repo.createTag(B, "v1", { repo: B, branch: "master" });
    await expectError(await s3.call(`/v1.${B}?tagging`, { method: "PUT", body: doc([["a", "1"]]) }), 403, "AccessDenied");
    await expectError(await s3.call(`/v1.${B}/c.txt?tagging`, { method: "PUT", body: doc([["a", "1"]]) }), 403, "AccessDenied");
  });

  test("a deleted branch's tags go with it", async () => {
    await client.send(new CreateBucketCommand({ Bucket: `tmp.${B}` }));
    await client.send(new PutBucketTaggingCommand({ Bucket: `tmp.${B}`, Tagging: tagging([["a", "1"]]) }));
    await s3.call(`/tmp.${B}`, { method: "DELETE" });
    await client.send(new CreateBucketCommand({ Bucket: `tmp.${B}` }));
    expect((await sdkError(client.send(new GetBucketTaggingCommand({ Bucket: `tmp.${B}` })))).code).toBe("NoSuchTagSet");
  });
});

test("tags survive a restart: the tag index and bucket tags are refs, journalled like the rest", async () => {
  const dataDir = tempDir();
  const config = { ...defaultConfig(), port: 0, bind: "127.0.0.1", dataDir, quiet: true };
  let one = await startServer(config);
  const c = (s: StrataServer) => new S3Client({ endpoint: s.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  try {
    await c(one).send(new CreateBucketCommand({ Bucket: "keep" }));
    await c(one).send(new PutObjectCommand({ Bucket: "keep", Key: "k", Body: "k", Tagging: "a=1" }));
    await c(one).send(new PutObjectTaggingCommand({ Bucket: "keep", Key: "k", Tagging: tagging([["b", "2"]]) }));
    await c(one).send(new PutBucketTaggingCommand({ Bucket: "keep", Tagging: tagging([["team", "x"]]) }));
    await one.stop();
    one = await startServer(config);
    const out = await c(one).send(new GetObjectTaggingCommand({ Bucket: "keep", Key: "k" }));
    expect(out.TagSet).toEqual([{ Key: "b", Value: "2" }]);
    expect((await c(one).send(new GetBucketTaggingCommand({ Bucket: "keep" }))).TagSet).toEqual([{ Key: "team", Value: "x" }]);
  } finally {
    await one.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
