// Exit codes: the README's table is src/cli/exit.ts's, the HTTP statuses map onto them, and real command lines
// end with the code the table gives for what happened to them (at least one for every code).
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT, EXIT_MEANINGS, exitCodeOf } from "../../src/cli/exit.ts";
import type { StrataServer } from "../../src/server.ts";
import { freePort, run } from "../helpers/process.ts";
import { withServer } from "../helpers/server.ts";
import { BIN_DIR, ROOT, tempDir } from "./helpers.ts";

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

test("the README's exit-code table is exit.ts's, code for code and word for word", () => {
  const table = README.slice(README.indexOf("| Exit code | Meaning |")).split("\n\n")[0];
  const rows = table.split("\n").slice(2).map((line) => line.split("|").slice(1, 3).map((cell) => cell.trim()));
  expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(EXIT_MEANINGS)));
  expect(Object.keys(EXIT_MEANINGS).map(Number)).toEqual(Object.values(EXIT));
});

test.each([
  [400, EXIT.usage],
  [401, EXIT.denied],
  [403, EXIT.denied],
  [404, EXIT.notFound],
  [409, EXIT.conflict],
  [412, EXIT.conflict],
  [500, EXIT.failure],
  [503, EXIT.failure],
])("HTTP %i from the server is exit %i", (status, code) => {
  expect(exitCodeOf(status)).toBe(code);
});

let server: StrataServer;
let locked: StrataServer;
let dir: string;
beforeAll(async () => {
  server = await withServer();
  locked = await withServer({ auth: true });
  dir = tempDir();
  await server.repo.versions.createBranch("codes", "master");
  await server.repo.putObject("codes", "master", "a.txt", new TextEncoder().encode("a"));
  // A literal key that climbs out of the folder it is downloaded into (keys are never normalised).
  await server.repo.putObject("codes", "master", "up/../../escape.txt", new TextEncoder().encode("x"));
  await server.repo.versions.createBranch("codes", "open");
  await server.repo.startCommit("codes", "open");
  fs.writeFileSync(path.join(dir, "a-file"), "not a data dir");
});
afterAll(async () => {
  await server.stop();
  await locked.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const unusedPort = freePort();

/** [what happens, the command line, the exit code the table gives for it] */
const CASES: Array<[string, () => string[] | Promise<string[]>, number]> = [
  ["a listing", () => ["repo", "list"], EXIT.ok],
  ["a key that would be written outside the folder", () => ["get", "master.codes/up/", path.join(dir, "out")], EXIT.failure],
  ["no verb", () => [], EXIT.usage],
  ["a missing argument", () => ["repo", "create"], EXIT.usage],
  ["an unknown flag", () => ["repo", "list", "--colour"], EXIT.usage],
  ["an invalid repo name", () => ["repo", "create", "Bad_Name"], EXIT.usage],
  ["an invalid ref", () => ["ls", "a..b"], EXIT.usage],
  ["an invalid role", () => ["auth", "grant", "admin", "king", "codes"], EXIT.usage],
  ["a --data-dir that does not exist", () => ["fsck", "--data-dir", path.join(dir, "mistyped")], EXIT.usage],
  ["a --data-dir that is a file", () => ["gc", "--data-dir", path.join(dir, "a-file")], EXIT.usage],
  ["--ephemeral with --data-dir", () => ["serve", "--ephemeral", "--data-dir", path.join(dir, "d")], EXIT.usage],
  ["a missing repo", () => ["repo", "delete", "nope"], EXIT.notFound],
  ["a missing key to stdout", () => ["get", "master.codes/missing.txt", "-"], EXIT.notFound],
  ["a missing branch", () => ["commit", "inspect", "nope.codes"], EXIT.notFound],
  ["a missing local file", () => ["put", path.join(dir, "missing.txt"), "master.codes/"], EXIT.notFound],
  ["a missing file to hash", () => ["hash", path.join(dir, "missing.txt")], EXIT.notFound],
  ["a missing user", () => ["auth", "user", "delete", "ghost"], EXIT.notFound],
  ["a repo that exists", () => ["repo", "create", "codes"], EXIT.conflict],
  ["a repo that is not empty", () => ["repo", "delete", "codes"], EXIT.conflict],
  ["a branch with commits, without --force", () => ["branch", "delete", "master.codes"], EXIT.conflict],
  ["a branch with an open commit", () => ["commit", "start", "open.codes"], EXIT.conflict],
  ["a data dir in use", () => ["fsck", "--data-dir", server.dataDir], EXIT.conflict],
  ["a data dir in use, by serve", () => ["serve", "--data-dir", server.dataDir, "--port", "0"], EXIT.conflict],
  ["no server", async () => ["repo", "list", "--server", `http://127.0.0.1:${await unusedPort}`], EXIT.unreachable],
  ["no token where auth is on", () => ["repo", "list", "--server", locked.url], EXIT.denied],
];

test("every exit code has a command line that ends with it", () => {
  expect([...new Set(CASES.map(([, , code]) => code))].sort()).toEqual(Object.values(EXIT));
});

test.each(CASES)("%s: exit as the table says", async (what, args, code) => {
  const argv = await args();
  const r = await run(path.join(BIN_DIR, "bun"), [path.join(ROOT, "src/main.ts"), ...argv], { cwd: dir, env: { PATH: process.env.PATH!, STRATA_SERVER: server.url } });
  expect({ what, argv, code: r.code, meaning: EXIT_MEANINGS[r.code as keyof typeof EXIT_MEANINGS] }).toEqual({ what, argv, code, meaning: EXIT_MEANINGS[code as keyof typeof EXIT_MEANINGS] });
  if (code !== EXIT.ok) expect(r.stderr).not.toContain("    at "); // a message, never a stack trace
});
