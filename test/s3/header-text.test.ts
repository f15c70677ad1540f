// What text a header value carries (runtimes hand over a character per byte), and metadata values as AWS stores
// and returns them: RFC 2047 decoded on the way in, one UTF-8 "B" encoded word on the way out when not ASCII
// ("User-defined object metadata", https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html).
import { describe, expect, test } from "bun:test";
import { headerBytes, headerText, metadataHeaderValue, metadataText } from "../../src/s3/header-text.ts";

/** A header value as Bun's node:http and Deno.serve hand it over: one character per byte on the wire. */
const onWire = (bytes: Uint8Array | number[]) => String.fromCharCode(...bytes);
const utf8Wire = (text: string) => onWire(new TextEncoder().encode(text));

describe("headerText", () => {
  test.each([
    ["ASCII as is", "plain value", "plain value"],
    ["UTF-8 bytes are their text", utf8Wire("résumé ☃"), "résumé ☃"],
    ["UTF-8 with 0xA0 in a character (à) is not a blank", utf8Wire("à la"), "à la"],
    ["bytes that are not UTF-8 are Latin-1 (fetch sends é as 0xE9)", onWire([0x72, 0xe9]), "ré"],
    ["a lone continuation byte is Latin-1", onWire([0x41, 0xa9]), "A©"],
    ["already text (a character above U+00FF) is kept", "☃", "☃"],
  ])("%s", (_, value, text) => expect(headerText(value)).toBe(text));

  test("headerBytes is its inverse for text", () => {
    for (const text of ["ascii", "résumé ☃", "日本語", "😀"]) {
      expect(headerBytes(text)).toBe(utf8Wire(text));
      expect(headerText(headerBytes(text))).toBe(text);
    }
  });
});

describe("metadataHeaderValue", () => {
  test.each([
    ["printable ASCII as is", "hello world", "hello world"],
    ["already encoded text stays (it is ASCII)", "=?UTF-8?B?w6k=?=", "=?UTF-8?B?w6k=?="],
    ["non-ASCII: one B word of its UTF-8", "résumé ☃", "=?UTF-8?B?csOpc3Vtw6kg4piD?="],
    ["a control character is encoded too (no header can carry it)", "a\u0001b", "=?UTF-8?B?YQFi?="],
  ])("%s", (_, text, value) => expect(metadataHeaderValue(text)).toBe(value));
});

describe("metadataText", () => {
  test.each([
    ["no encoded word", "plain =? text", "plain =? text"],
    ["B word", "=?UTF-8?B?csOpc3Vtw6kg4piD?=", "résumé ☃"],
    ["Q word, lower-case letters, _ is a space", "=?utf-8?q?r=C3=A9sum=C3=A9_=E2=98=83?=", "résumé ☃"],
    ["text around a word is kept", "a =?UTF-8?B?w6k=?= b", "a é b"],
    ["blanks between two words are dropped", "=?UTF-8?B?w6k=?= \t=?UTF-8?Q?=C3=A9?=", "éé"],
    ["RFC 2231 language tag", "=?UTF-8*fr?Q?=C3=A9?=", "é"],
    ["ISO-8859-1", "=?ISO-8859-1?Q?caf=E9?=", "café"],
    ["unknown charset stays", "=?x-nonesuch?B?w6k=?=", "=?x-nonesuch?B?w6k=?="],
    ["bytes not of the charset stay", "=?UTF-8?B?/w==?=", "=?UTF-8?B?/w==?="],
    ["bad Q escape stays", "=?UTF-8?Q?=ZZ?=", "=?UTF-8?Q?=ZZ?="],
    ["blanks before a word that stays are kept", "=?UTF-8?B?w6k=?= =?x?B?w6k=?=", "é =?x?B?w6k=?="],
  ])("%s", (_, value, text) => expect(metadataText(value)).toBe(text));

  test("what GET returns decodes to what was stored", () => {
    for (const text of ["résumé ☃", "日本語", "😀 emoji", "tab\there"]) expect(metadataText(metadataHeaderValue(text))).toBe(text);
  });
});
