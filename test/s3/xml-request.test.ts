// Request bodies through parseXml: character references decoded (Go's encoder writes &#34; and &#39;, as rclone
// does in CompleteMultipartUpload), document type declarations refused, so no entity is ever expanded; every
// document read whole is bounded before it is parsed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parseXml } from "../../src/s3/xml.ts";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { expectError, http, type S3Http } from "./http.ts";

test.each([
  ["decimal references", "<D><Object><Key>it&#39;s.txt</Key></Object></D>", "it's.txt"],
  ["hex references", "<D><Object><Key>&#x41;&#x2F;b</Key></Object></D>", "A/b"],
  ["the five XML entities", "<D><Object><Key>&amp;&lt;&gt;&quot;&apos;</Key></Object></D>", "&<>\"'"],
  ["a literal key", "<D><Object><Key>plain key</Key></Object></D>", "plain key"],
  ["references to tab, newline, CR and an astral character", "<D><Object><Key>&#9;&#xA;&#xD;&#x1F600;</Key></Object></D>", "\t\n\r\u{1F600}"],
])("%s are decoded", (_, xml, key) => {
  expect((parseXml(xml)?.D as { Object: Array<{ Key: string }> }).Object[0].Key).toBe(key);
});

test.each([
  ["an internal entity", '<!DOCTYPE D [<!ENTITY a "boom">]><D><Object><Key>&a;</Key></Object></D>'],
  ["an external entity", '<!DOCTYPE D [<!ENTITY a SYSTEM "file:///etc/passwd">]><D><Object><Key>&a;</Key></Object></D>'],
  ["a bare doctype", "<!doctype D><D/>"],
  // XML 1.0 has no such characters: read as nothing, "zz&#x1;" would name (and DeleteObjects delete) the key "zz"
  ["a reference to a C0 control", "<D><Object><Key>zz&#x1;</Key></Object></D>"],
  ["a decimal reference to NUL", "<D><Object><Key>a&#0;b</Key></Object></D>"],
  ["a reference to a surrogate", "<D><Object><Key>a&#xD800;</Key></Object></D>"],
  ["a reference to U+FFFE", "<D><Object><Key>a&#65534;</Key></Object></D>"],
  ["a reference past U+10FFFF", "<D><Object><Key>a&#x110000;</Key></Object></D>"],
])("a body with %s is refused (undefined: MalformedXML)", (_, xml) => {
  expect(parseXml(xml)).toBeUndefined();
});

describe("bodies through the server", () => {
  let server: StrataServer;
  let s3: S3Http;
  beforeAll(async () => {
    server = await withServer();
    s3 = http(server);
    await s3.put("/bounds", "");
  });
  afterAll(() => server.stop());

  test("DeleteObjects: a key over 1024 bytes is KeyTooLongError, a body over the cap MaxMessageLengthExceeded, a DOCTYPE MalformedXML", async () => {
    const del = (body: string) => s3.call("/bounds?delete", { method: "POST", body });
    await expectError(await del(`<Delete><Object><Key>${"k".repeat(1025)}</Key></Object></Delete>`), 400, "KeyTooLongError");
    await expectError(await del(`<Delete><Object><Key>${"k".repeat(7_000_000)}</Key></Object></Delete>`), 400, "MaxMessageLengthExceeded");
    await expectError(await del('<!DOCTYPE D [<!ENTITY a "x">]><Delete><Object><Key>&a;</Key></Object></Delete>'), 400, "MalformedXML");
    expect(await (await del("<Delete><Object><Key>it&#39;s.txt</Key></Object></Delete>")).text()).toContain("<Key>it&apos;s.txt</Key>");
  });

  test("CompleteMultipartUpload and configuration documents are bounded too", async () => {
    const up = await s3.xml("/bounds/big?uploads", { method: "POST" });
    const id = /<UploadId>([^<]+)</.exec(up.text)![1];
    const parts = "<Part><PartNumber>1</PartNumber><ETag>x</ETag></Part>".repeat(120_000);
    await expectError(await s3.call(`/bounds/big?uploadId=${id}`, { method: "POST", body: `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>` }), 400, "MaxMessageLengthExceeded");
    const versioning = `<VersioningConfiguration><Status>Enabled</Status>${" ".repeat(70_000)}</VersioningConfiguration>`;
    await expectError(await s3.call("/bounds?versioning", { method: "PUT", body: versioning }), 400, "MaxMessageLengthExceeded");
  });
});
