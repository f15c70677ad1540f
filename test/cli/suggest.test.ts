// The "did you mean" of a mistyped verb: which typos get a suggestion, and which get none.
import { expect, test } from "bun:test";
import { editDistance, nearest } from "../../src/cli/suggest.ts";

const VERBS = ["serve", "repo", "branch", "commit", "log", "diff", "merge", "revert", "tag", "ls", "put", "get", "fsck", "gc", "migrate", "hash", "run", "auth"];

test.each([
  ["bracnh", "branch"], // two letters swapped: one edit
  ["brnch", "branch"],
  ["comit", "commit"],
  ["Merge", "merge"],
  ["lg", "log"],
  ["tags", "tag"],
  ["frobnicate", undefined],
  ["rm", undefined], // "rm" is as far from "gc" and "ls" as it is long: no guess
  ["x", undefined],
])("nearest(%p) is %p", (typo, expected) => {
  expect(nearest(typo, VERBS)).toBe(expected);
});

test.each([
  ["", "", 0],
  ["abc", "abc", 0],
  ["ab", "ba", 1],
  ["kitten", "sitting", 3],
  ["", "abc", 3],
])("editDistance(%p, %p) = %p", (a, b, d) => {
  expect(editDistance(a, b)).toBe(d);
  expect(editDistance(b, a)).toBe(d);
});
