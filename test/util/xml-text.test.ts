// unescapeXml against what S3 writes into <Message> and <Key> (see s3/xml.ts's escapeXml for the writing side).
import { expect, test } from "bun:test";
import { escapeXml } from "../../src/s3/xml.ts";
import { unescapeXml } from "../../src/util/xml-text.ts";

test.each([
  ["plain", "plain"],
  ["strata merge &lt;branch&gt;.p1 master.p1", "strata merge <branch>.p1 master.p1"],
  ["&quot;etag&quot; &apos;q&apos; a&amp;b", `"etag" 'q' a&b`],
  ["&amp;lt; stays text", "&lt; stays text"],
  ["a&#x19;&#x7;", "a\x19\x07"],
  ["&#65;&#x1F600;", "A\u{1F600}"],
  ["&unknown; &#xZZ;", "&unknown; &#xZZ;"],
])("%p reads as %p", (xml, text) => {
  expect(unescapeXml(xml)).toBe(text);
});

test("reads back whatever escapeXml writes", () => {
  const text = `<a b="c" d='e'>&\x01\x1f\r</a>`;
  expect(unescapeXml(escapeXml(text))).toBe(text);
});
