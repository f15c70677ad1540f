// The one conflict report of merge, revert and run: message, blank line, a table of each key's three versions.
import { expect, test } from "bun:test";
import { conflictReport, conflictsOf } from "../../src/cli/merge-conflicts.ts";
import { CliError } from "../../src/cli/exit.ts";

const V1 = "0".repeat(31) + "1";
const V2 = "0".repeat(31) + "2";
const V3 = "0".repeat(31) + "3";
const names = { source: "dev.site", dest: "master.site" };

test.each([
  [
    "added on both sides (no base)",
    [{ key: "a.txt", source: { version: V1, size: 20 }, dest: { version: V2, size: 2048 } }],
    [
      "KEY    BASE      SOURCE (dev.site)                               DEST (master.site)",
      `a.txt  (absent)  20 B, version ${V1}  2.0 KiB, version ${V2}`,
    ],
  ],
  [
    "deleted on one side, changed on the other; rows line up under a longer key",
    [
      { key: "a", base: { version: V1, size: 1 }, source: { version: V2, deleteMarker: true }, dest: { version: V3, size: 3 } },
      { key: "dir/long-key.txt", base: { version: V1, size: 1 }, dest: { version: V3, size: 0 } },
    ],
    [
      "KEY               BASE                                           SOURCE (dev.site)                                  DEST (master.site)",
      `a                 1 B, version ${V1}  deleted, version ${V2}  3 B, version ${V3}`,
      `dir/long-key.txt  1 B, version ${V1}  (absent)                                           0 B, version ${V3}`,
    ],
  ],
])("%s", (_, conflicts, rows) => {
  expect(conflictReport("strata merge: conflicts:", conflicts, names).split("\n")).toEqual(["strata merge: conflicts:", "", ...rows]);
});

test.each([
  ["a MergeConflict error: its conflicts", new CliError(4, "x", "MergeConflict", { conflicts: [{ key: "k" }] }), [{ key: "k" }]],
  ["a MergeConflict error without a list: none", new CliError(4, "x", "MergeConflict", {}), []],
  ["another error: undefined", new CliError(4, "x", "BranchExists", { conflicts: [] }), undefined],
  ["not a CliError: undefined", new Error("x"), undefined],
])("conflictsOf: %s", (_, err, expected) => {
  expect(conflictsOf(err)).toEqual(expected as never);
});
