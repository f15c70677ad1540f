// Help for groups of verbs: every group the verb table makes (the leading words of its longer verbs) answers
// `strata <group> --help` and `strata help <group>` with its verbs, exit 0, as a real process.
import { expect, test } from "bun:test";
import * as path from "node:path";
import { COMMANDS } from "../../src/cli/main.ts";
import { serveCommand } from "../../src/serve-command.ts";
import { run } from "../helpers/process.ts";
import { BIN_DIR, ROOT } from "./helpers.ts";

const ALL = [serveCommand, ...COMMANDS];
const strata = (args: string[]) => run(path.join(BIN_DIR, "bun"), [path.join(ROOT, "src/main.ts"), ...args], { env: { PATH: process.env.PATH! } });

/** Each group with its verbs, worked out here from the names (not with the code under test). */
const GROUPS: Array<[string, string[]]> = [...new Set(ALL.flatMap((c) => c.name.split(" ").slice(0, -1).map((_, i, w) => w.slice(0, i + 1).join(" "))))]
  .map((g) => [g, ALL.filter((c) => c.name.startsWith(`${g} `)).map((c) => c.name)]);

test("the verb table has the groups a user types", () => {
  const names = GROUPS.map(([g]) => g);
  for (const g of ["repo", "branch", "commit", "auth", "auth user", "auth token"]) expect(names).toContain(g);
});

test.each(GROUPS)("group %s: `strata <group> --help`, `-h` and `strata help <group>` list its verbs, exit 0", async (group, verbs) => {
  for (const args of [[...group.split(" "), "--help"], ["help", ...group.split(" ")], [...group.split(" "), "-h"]]) {
    const r = await strata(args);
    expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: "" });
    expect(r.stdout).toStartWith(`usage: strata ${group} <verb>`);
    for (const verb of verbs) expect(r.stdout).toContain(`\n  ${verb} `);
    for (const c of ALL.filter((c) => verbs.includes(c.name))) expect(r.stdout).toContain(c.summary);
  }
  // Without --help the group is an incomplete command line: its list on stderr, exit 2.
  const bare = await strata(group.split(" "));
  expect([bare.code, bare.stdout, bare.stderr]).toEqual([2, "", expect.stringContaining(`usage: strata ${group} <verb>`)]);
});

test("an unknown verb in a group is a usage error even with --help; the general help names every group", async () => {
  const r = await strata(["repo", "frobnicate", "--help"]);
  expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('unknown verb "repo frobnicate"')]);
  const general = await strata(["--help"]);
  expect(general.code).toBe(0);
  const named = /lists a group \(([^)]*)\)/.exec(general.stdout)?.[1].split(", ");
  expect(named).toEqual(GROUPS.map(([g]) => g).filter((g) => !g.includes(" ")));
});

test("a mistyped verb says what was probably meant, in two lines instead of the whole verb list", async () => {
  const top = await strata(["bracnh", "list"]);
  expect([top.code, top.stdout, top.stderr]).toEqual([2, "", 'strata: unknown verb "bracnh"; did you mean "branch"?\nsee: strata --help\n']);
  const inGroup = await strata(["repo", "craete", "x"]);
  expect([inGroup.code, inGroup.stderr]).toEqual([2, expect.stringContaining('strata: unknown verb "repo craete"; did you mean "repo create"?\n\nusage: strata repo <verb>')]);
  const far = await strata(["frobnicate"]);
  expect([far.code, far.stderr]).toEqual([2, 'strata: unknown verb "frobnicate"\nsee: strata --help\n']);
});
