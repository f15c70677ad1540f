// The Content-Type `strata put` sends for a key: by its last extension, case-insensitive, else none.
import { expect, test } from "bun:test";
import { contentTypeOf } from "../../src/cli/content-type.ts";

test.each([
  ["index.html", "text/html"],
  ["site/css/main.css", "text/css"],
  ["photos/IMG_1.JPG", "image/jpeg"],
  ["data.tar.gz", "application/gzip"],
  ["notes.txt", "text/plain"],
  ["README", undefined],
  [".bashrc", undefined], // a dot file has no extension
  ["dir.d/file", undefined], // a dot in a folder is no extension
  ["archive.unknownext", undefined],
])("contentTypeOf(%p) is %p", (key, type) => {
  expect(contentTypeOf(key)).toBe(type);
});
