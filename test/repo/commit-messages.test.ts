import { describe, expect, test } from "bun:test";
import { quoteKey, writesMessage } from "../../src/repo/commit-messages.ts";
import type { KeyWrite } from "../../src/repo/versioned-store.ts";

const put = (key: string): KeyWrite => ({ key, manifest: "m", size: 1, etag: "e", time: 0 });
const del = (key: string): KeyWrite => ({ key, delete: true, time: 0 });

describe("commit messages of S3 writes", () => {
  test.each([
    ["one put", [put("a.txt")], [], 'put "a.txt"'],
    ["one delete", [del("dir/b")], [], 'deleted "dir/b"'],
    ["puts", [put("a"), put("b"), put("c")], [], 'put 3 keys ("a" and 2 more)'],
    ["deletes", [del("a"), del("b")], [], 'deleted 2 keys ("a" and 1 more)'],
    ["puts and deletes", [put("a"), del("b")], [], 'wrote 2 keys ("a" and 1 more)'],
    ["one purge", [{ key: "k", purge: "v1", time: 0 }], [["k", "v1"]], 'purged version v1 of "k"'],
    ["purges", [{ key: "k", purge: "v1", time: 0 }, { key: "j", purge: "v2", time: 0 }], [["k", "v1"], ["j", "v2"]], 'purged 2 versions ("k" v1 and more)'],
  ] as Array<[string, KeyWrite[], Array<[string, string]>, string]>)("%s", (_name, writes, purged, message) => {
    expect(writesMessage(writes, purged)).toBe(message);
  });

  test.each([
    ["plain", "a/b.txt", '"a/b.txt"'],
    ["control characters escaped", "a\nb\u0001", '"a\\nb\\u0001"'],
    ["long keys cut to 60 characters", "x".repeat(100), `"${"x".repeat(59)}…"`],
    ["cut by characters, not UTF-16 units", "😀".repeat(61), `"${"😀".repeat(59)}…"`],
    ["60 characters kept whole", "y".repeat(60), `"${"y".repeat(60)}"`],
  ])("quoteKey: %s", (_name, key, quoted) => {
    expect(quoteKey(key)).toBe(quoted);
  });
});
