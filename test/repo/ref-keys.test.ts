// Ref-journal keys: the one builder (REF) and the one parser (parseRefKey) agree on every kind, and every kind
// has its row in docs/format.md's "Ref keys" table, so a new kind of key cannot go undocumented.
import { expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseRefKey, REF, type RefKey } from "../../src/repo/ref-keys.ts";

const UPLOAD = "0194c5a1b2c3d4e5f60718293a4b5c6d";
const HASH = "a".repeat(64);

// [built key, what it parses to]; one row per kind
const KEYS: Array<[string, RefKey]> = [
  [REF.repo("photos"), { kind: "repo", repo: "photos" }],
  [REF.branch("photos", "dev"), { kind: "branch", repo: "photos", branch: "dev" }],
  [REF.upload("photos", "dev", UPLOAD), { kind: "upload", repo: "photos", branch: "dev", upload: UPLOAD }],
  [REF.completion("photos", "dev", UPLOAD), { kind: "completed", repo: "photos", branch: "dev", upload: UPLOAD }],
  [REF.part(UPLOAD, 7), { kind: "part", upload: UPLOAD, part: 7 }],
  [REF.user("ada"), { kind: "user", user: "ada" }],
  [REF.token(HASH), { kind: "token", hash: HASH }],
  [REF.authSettings(), { kind: "settings", name: "auth" }],
  [REF.cors("photos", "dev"), { kind: "cors", repo: "photos", branch: "dev" }],
  [REF.tag("photos", "v1"), { kind: "tag", repo: "photos", tag: "v1" }],
  [REF.bucketTagging("photos", "dev"), { kind: "tagging", repo: "photos", branch: "dev" }],
  [REF.jobLease("0a1b2c3d4e5f6071"), { kind: "lease", job: "0a1b2c3d4e5f6071" }],
];

// every kind, so a new kind fails to compile here until it has a row above (and in docs/format.md)
const KINDS: Record<RefKey["kind"], true> = { repo: true, branch: true, upload: true, completed: true, part: true, user: true, token: true, settings: true, cors: true, tag: true, tagging: true, lease: true };

test("every kind of key has a row", () => {
  expect(new Set<string>(KEYS.map(([, parsed]) => parsed.kind))).toEqual(new Set(Object.keys(KINDS)));
});

for (const [key, parsed] of KEYS) {
  test(`${key} parses back to its parts`, () => {
    expect(parseRefKey(key)).toEqual(parsed);
    expect(parseRefKey(key, parsed.kind)).toEqual(parsed);
  });
}

test("part numbers are five digits, so a listing of an upload's parts is in part order", () => {
  expect(REF.part(UPLOAD, 7)).toBe(`part/${UPLOAD}/00007`);
  expect([REF.part(UPLOAD, 10), REF.part(UPLOAD, 9)].sort()).toEqual([REF.part(UPLOAD, 9), REF.part(UPLOAD, 10)]);
});

test("each listing prefix is the start of the keys it lists, and of no other repo's or branch's", () => {
  const listed: Array<[string, string, string]> = [
    [REF.repos(), REF.repo("photos"), REF.branch("photos", "dev")],
    [REF.branches("photos"), REF.branch("photos", "dev"), REF.branch("photos2", "dev")],
    [REF.uploads("photos", "dev"), REF.upload("photos", "dev", UPLOAD), REF.upload("photos", "dev2", UPLOAD)],
    [REF.uploads("photos"), REF.upload("photos", "dev", UPLOAD), REF.upload("photos2", "dev", UPLOAD)],
    [REF.completions("photos", "dev"), REF.completion("photos", "dev", UPLOAD), REF.completion("photos", "dev2", UPLOAD)],
    [REF.parts(UPLOAD), REF.part(UPLOAD, 1), REF.part(`${UPLOAD}0`, 1)],
    [REF.users(), REF.user("ada"), REF.token(HASH)],
    [REF.tokens(), REF.token(HASH), REF.user("ada")],
    [REF.corsOf("photos"), REF.cors("photos", "dev"), REF.cors("photos2", "dev")],
    [REF.tags("photos"), REF.tag("photos", "v1"), REF.tag("photos2", "v1")],
    [REF.tags(), REF.tag("photos", "v1"), REF.bucketTagging("photos", "dev")],
    [REF.bucketTaggingOf("photos"), REF.bucketTagging("photos", "dev"), REF.bucketTagging("photos2", "dev")],
  ];
  for (const [prefix, inside, outside] of listed) {
    expect(inside.startsWith(prefix)).toBe(true);
    expect(outside.startsWith(prefix)).toBe(false);
  }
});

test("a key of another kind than the caller listed is an error, an unknown kind is no key", () => {
  expect(() => parseRefKey(REF.tag("photos", "v1"), "branch")).toThrow("is not a branch ref");
  expect(parseRefKey("nonsense/x")).toBeUndefined();
});

test("docs/format.md's Ref keys table has a row for every kind of key", () => {
  const doc = fs.readFileSync(path.resolve(import.meta.dirname, "../../docs/format.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Ref keys"), doc.indexOf("\n## ", doc.indexOf("## Ref keys") + 1));
  const rows = [...section.matchAll(/^\| `([a-z]+)\/[^`]*` \|/gm)].map((m) => m[1]);
  expect(new Set(rows)).toEqual(new Set(Object.keys(KINDS)));
});
