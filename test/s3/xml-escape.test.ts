// Text in S3 answers: what XML 1.0 can carry is escaped so a parser reads it back exactly; what it cannot (C0
// controls, U+FFFE/U+FFFF) is written as AWS writes it, as a character reference (<Key>a&#x19;&#x7;</Key>,
// https://github.com/minio/minio-py/issues/716), and listings percent-encode it with encoding-type=url.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { XMLParser } from "fast-xml-parser";
import { escapeXml, keyElement, xmlCarries } from "../../src/s3/xml.ts";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { http } from "./http.ts";

const TABLE: Array<[string, string, boolean]> = [
  ["plain/key.txt", "plain/key.txt", true],
  [`a&b<c>d"e'f`, "a&amp;b&lt;c&gt;d&quot;e&apos;f", true],
  ["tab\tnewline\n", "tab\tnewline\n", true],
  ["cr\r", "cr&#xD;", true], // a parser reads a raw \r back as \n
  ["ex\x01ist", "ex&#x1;ist", false],
  ["\x00\x08\x0b\x0c\x1f", "&#x0;&#x8;&#xB;&#xC;&#x1F;", false],
  ["\ufffe\uffff", "&#xFFFE;&#xFFFF;", false],
  ["ünï 日本 😀 \u007f", "ünï 日本 😀 \u007f", true],
];

test("escapeXml and xmlCarries, character by character", () => {
  for (const [text, escaped, carried] of TABLE) {
    expect(escapeXml(text), JSON.stringify(text)).toBe(escaped);
    expect(xmlCarries(text), JSON.stringify(text)).toBe(carried);
    expect(keyElement(text)).toBe(carried ? text : undefined);
  }
});

test("whatever XML 1.0 carries reads back exactly through a parser", () => {
  const parser = new XMLParser({ parseTagValue: false, trimValues: false, htmlEntities: true });
  for (const [text, , carried] of TABLE) {
    if (carried) expect(String(parser.parse(`<K>${escapeXml(text)}</K>`).K)).toBe(text);
  }
});

let server: StrataServer;
beforeAll(async () => {
  server = await withServer();
  await http(server).put("/ctl", "");
  await http(server).put("/ctl/ex%01ist", "x");
});
afterAll(() => server.stop());

test("a listing names a control-character key as AWS does; encoding-type=url percent-encodes it", async () => {
  const s3 = http(server);
  expect((await s3.xml("/ctl?list-type=2")).text).toContain("<Key>ex&#x1;ist</Key>");
  expect((await s3.xml("/ctl?list-type=2&encoding-type=url")).text).toContain("<Key>ex%01ist</Key>");
  expect((await s3.xml("/ctl?versions&encoding-type=url")).text).toContain("<Key>ex%01ist</Key>");
});

test("answers to writes and errors leave out a Key XML 1.0 cannot carry, and stay well-formed", async () => {
  const s3 = http(server);
  const init = await s3.xml("/ctl/mp%02?uploads", { method: "POST" });
  expect(init.text).not.toContain("<Key>");
  expect(init.doc.InitiateMultipartUploadResult.UploadId).toBeString();
  const missingKey = await s3.call("/ctl/no%03such");
  expect(missingKey.status).toBe(404);
  const text = await missingKey.text();
  expect(text).toContain("<Code>NoSuchKey</Code>");
  expect(xmlCarries(text)).toBe(true);
  expect(text).not.toContain("&#x3;");
});
