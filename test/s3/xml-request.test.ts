// Request bodies through parseXml: character references decoded (Go's encoder writes &#34; and &#39;, as rclone
// does in CompleteMultipartUpload), document type declarations refused, so no entity is ever expanded.
import { expect, test } from "bun:test";
import { parseXml } from "../../src/s3/xml.ts";

test.each([
  ["decimal references", "<D><Object><Key>it&#39;s.txt</Key></Object></D>", "it's.txt"],
  ["hex references", "<D><Object><Key>&#x41;&#x2F;b</Key></Object></D>", "A/b"],
  ["the five XML entities", "<D><Object><Key>&amp;&lt;&gt;&quot;&apos;</Key></Object></D>", "&<>\"'"],
  ["a literal key", "<D><Object><Key>plain key</Key></Object></D>", "plain key"],
])("%s are decoded", (_, xml, key) => {
  expect((parseXml(xml)?.D as { Object: Array<{ Key: string }> }).Object[0].Key).toBe(key);
});

test.each([
  ["an internal entity", '<!DOCTYPE D [<!ENTITY a "boom">]><D><Object><Key>&a;</Key></Object></D>'],
  ["an external entity", '<!DOCTYPE D [<!ENTITY a SYSTEM "file:///etc/passwd">]><D><Object><Key>&a;</Key></Object></D>'],
  ["a bare doctype", "<!doctype D><D/>"],
])("a body with %s is refused (undefined: MalformedXML)", (_, xml) => {
  expect(parseXml(xml)).toBeUndefined();
});
