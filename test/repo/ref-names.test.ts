// The ref grammar (repo, branch.repo, commit.repo, commit.branch.repo) and the ref-journal key builders/parser.
import { describe, expect, test } from "bun:test";
import { parseRefKey, REF } from "../../src/repo/ref-keys.ts";
import { bucketNameProblem, parseBranchRef, parseRef, RefSyntaxError, splitRefPath } from "../../src/repo/ref-names.ts";

const C = "0123456789abcdef0123456789abcdef";

describe("parseRef", () => {
  const ok: Array<[string, object]> = [
    ["photos", { repo: "photos", branch: "master" }],
    ["dev.photos", { repo: "photos", branch: "dev" }],
    [`${C}.photos`, { repo: "photos", commit: C }],
    [`${C}.dev.photos`, { repo: "photos", branch: "dev", commit: C }],
    [C, { repo: C, branch: "master" }],
    ["a-b.c-d", { repo: "c-d", branch: "a-b" }],
  ];
  for (const [text, ref] of ok) test(`${text}`, () => expect(parseRef(text)).toEqual(ref as never));

  const bad: Array<[string, string]> = [
    ["Photos", "name"],
    ["a_b", "name"],
    ["", "name"],
    ["a..b", "name"],
    ["-a", "name"],
    ["a".repeat(64), "name"],
    ["dev.main.photos", "commit"],
    [`${C.toUpperCase()}.dev.photos`, "name"],
    ["a.b.c.d", "parts"],
    ["a.B.c.d", "name"],
  ];
  for (const [text, problem] of bad) {
    test(`${JSON.stringify(text)} is refused (${problem})`, () => {
      const err = (() => {
        try {
          parseRef(text);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(RefSyntaxError);
      expect((err as RefSyntaxError).problem).toBe(problem as never);
    });
  }

  test("branch refs refuse commits; paths split at the first slash", () => {
    expect(parseBranchRef("photos")).toEqual({ repo: "photos", branch: "master" });
    expect(() => parseBranchRef(`${C}.dev.photos`)).toThrow("names a commit");
    expect(() => parseBranchRef(`${C}.photos`)).toThrow("names a commit");
    expect(splitRefPath("dev.photos/a/b.txt")).toEqual({ ref: { repo: "photos", branch: "dev" }, refText: "dev.photos", path: "a/b.txt" });
    expect(splitRefPath("photos").path).toBe("");
  });
});

// AWS's general purpose bucket naming rules, each broken once, and names near each rule that keep it
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
describe("bucketNameProblem", () => {
  const valid = [
    "abc", "photos", "dev.photos", "master.photos", `${C}.photos`, `${C}.dev.photos`, "a-b.c-d", "a".repeat(63), "1.2.3", "1.2.3.4.5", "192.168.5.x",
    "xn-a", "dev.xn--a", "sthree", "dev.sthree-x", "amzn-s3-demo", "s3alias", "x-s3alias.repo", "mrap", "dev.mrapx", "x--x-s4", "x-table-s3", "x-ol-s3",
  ];
  for (const name of valid) test(`${name} keeps the rules`, () => expect(bucketNameProblem(name)).toBeUndefined());

  const invalid: Array<[string, string]> = [
    ["ab", "3 to 63 characters"],
    ["a".repeat(64), "3 to 63 characters"],
    ["Photos", "lowercase letters"],
    ["a_b", "lowercase letters"],
    ["-abc", "starting and ending with a letter or digit"],
    ["abc-", "starting and ending with a letter or digit"],
    ["abc.", "starting and ending with a letter or digit"],
    ["a..b", "two adjacent periods"],
    ["192.168.5.4", "IP address"],
    ["xn--photos", "start with xn--"],
    ["sthree-photos", "start with sthree-"],
    ["sthree-configurator.x", "start with sthree-"],
    ["amzn-s3-demo-bucket", "start with amzn-s3-demo-"],
    ["dev.photos-s3alias", "end with -s3alias"],
    ["dev.photos--ol-s3", "end with --ol-s3"],
    ["dev.mrap", "end with .mrap"],
    ["dev.photos--x-s3", "end with --x-s3"],
    ["dev.photos--table-s3", "end with --table-s3"],
  ];
  for (const [name, why] of invalid) test(`${name} breaks a rule: ${why}`, () => expect(bucketNameProblem(name)).toContain(why));
});

describe("ref-journal keys: what the builders make, the parser reads back", () => {
  const cases: Array<[string, ReturnType<typeof parseRefKey>]> = [
    [REF.repo("photos"), { kind: "repo", repo: "photos" }],
    [REF.branch("photos", "dev"), { kind: "branch", repo: "photos", branch: "dev" }],
    [REF.upload("photos", "dev", C), { kind: "upload", repo: "photos", branch: "dev", upload: C }],
    [REF.completion("photos", "dev", C), { kind: "completed", repo: "photos", branch: "dev", upload: C }],
    [REF.part(C, 7), { kind: "part", upload: C, part: 7 }],
    [REF.user("ann.b_c"), { kind: "user", user: "ann.b_c" }],
    [REF.token("ab".repeat(32)), { kind: "token", hash: "ab".repeat(32) }],
    [REF.authSettings(), { kind: "settings", name: "auth" }],
  ];
  for (const [key, parsed] of cases) test(key, () => expect(parseRefKey(key)).toEqual(parsed));

  test("keys sort as the listings need them: parts by number, a branch's refs under its prefix", () => {
    expect(REF.part(C, 2) < REF.part(C, 10)).toBe(true);
    expect(REF.branch("photos", "dev").startsWith(REF.branches("photos"))).toBe(true);
    expect(REF.upload("photos", "dev", C).startsWith(REF.uploads("photos", "dev"))).toBe(true);
    expect(REF.upload("photos", "dev", C).startsWith(REF.uploads("photos"))).toBe(true);
  });

  test("a key of another kind than the one listed is an error, not a wrong value", () => {
    expect(() => parseRefKey(REF.repo("photos"), "branch")).toThrow();
    expect(parseRefKey("unknown/x")).toBeUndefined();
  });
});
