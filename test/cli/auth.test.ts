// `strata auth` offline on a data dir and live against a running server, per-repo roles for the read verbs,
// and auth off accepting any credentials from real clients (aws CLI, boto3) with made-up real-looking keys.
import { afterAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { VersionedStore } from "../../src/repo/versioned-store.ts";
import type { StrataServer } from "../../src/server.ts";
import { Store } from "../../src/store/store.ts";
import { run } from "../helpers/process.ts";
import { withServer } from "../helpers/server.ts";
import { aws, BIN_DIR, ROOT, tempDir } from "./helpers.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const newDir = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

const MAIN = path.join(ROOT, "src/main.ts");
const BUN = path.join(BIN_DIR, "bun");

/** Runs `strata` from source with exactly these variables (no AWS keys of the machine leak in). */
async function strata(args: string[], env: Record<string, string> = {}) {
  const r = await run(BUN, [MAIN, ...args], { env: { PATH: process.env.PATH!, ...env } });
  return { code: r.code, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) };
}

const keysOf = (token: string) => ({ AWS_ACCESS_KEY_ID: token, AWS_SECRET_ACCESS_KEY: token });
const realLooking = () => ({
  AWS_ACCESS_KEY_ID: "AKIA" + randomBytes(8).toString("hex").toUpperCase(),
  AWS_SECRET_ACCESS_KEY: randomBytes(30).toString("base64"),
});

/** A data dir holding repo photos with one object, as a stopped server leaves it. */
async function preparedDir(): Promise<{ dir: string; commit: string }> {
  const dir = newDir();
  const store = Store.open(dir);
  const vs = new VersionedStore(store);
  await vs.createBranch("photos", "master");
  const { RepoService } = await import("../../src/repo/service.ts");
  const { commit } = await new RepoService(store).putObject("photos", "master", "a.txt", new TextEncoder().encode("sun"));
  await store.close();
  return { dir, commit };
}

test("offline: every auth verb on --data-dir, text and --json, with the admin API's errors and exit codes", async () => {
  const { dir } = await preparedDir();
  const d = ["--data-dir", dir];
  const enabled = (await strata(["auth", "enable", ...d, "--json"])).json();
  expect(enabled).toMatchObject({ enabled: true, user: "admin", token: expect.stringMatching(/^strata_/) });
  expect((await strata(["auth", "user", "create", "alice", ...d])).out).toBe("created user alice\n");
  expect((await strata(["auth", "grant", "alice", "reader", "photos", ...d])).out).toBe("alice is reader of photos\n");
  const missingRepo = await strata(["auth", "grant", "alice", "reader", "nope", ...d, "--json"]);
  expect([missingRepo.code, missingRepo.json().error.code]).toEqual([3, "NoSuchRepo"]);
  expect((await strata(["auth", "grant", "ghost", "reader", "photos", ...d])).code).toBe(3);
  expect((await strata(["auth", "user", "create", "alice", ...d])).code).toBe(4);
  expect((await strata(["auth", "grant", "alice", "king", "photos", ...d])).code).toBe(2);
  const token = (await strata(["auth", "token", "create", "alice", "--label", "ci", ...d, "--json"])).json();
  expect(token.created).toMatch(/^\d{4}-\d\d-\d\dT/);
  const { users } = (await strata(["auth", "user", "list", ...d, "--json"])).json();
  expect(users.map((u: { name: string }) => u.name)).toEqual(["admin", "alice"]);
  expect(users[1].roles).toEqual({ photos: "reader" });
  const listed = await strata(["auth", "token", "list", "alice", ...d]);
  expect(listed.out).toContain(token.id);
  expect(listed.out).not.toContain(token.token);
  expect((await strata(["auth", "token", "revoke", token.id, ...d])).code).toBe(0);
  expect((await strata(["auth", "token", "list", "alice", ...d])).out).toBe("(no tokens)\n");
  expect((await strata(["auth", "revoke", "alice", "photos", ...d])).out).toContain("no role in photos now");
  expect((await strata(["auth", "user", "delete", "alice", ...d])).code).toBe(0);
  // Without an admin nobody could manage users again: the last one stays.
  const lastAdmin = await strata(["auth", "user", "delete", "admin", ...d]);
  expect([lastAdmin.code, lastAdmin.err]).toEqual([4, expect.stringContaining("user admin is the last admin and cannot be deleted")]);
  expect((await strata(["auth", "disable", ...d, "--json"])).json()).toEqual({ enabled: false });
  expect((await strata(["auth", "frobnicate", ...d])).code).toBe(2);
}, 60_000);

let server: StrataServer | undefined;
afterAll(() => server?.stop());

test("live: every auth verb against a running server with an admin's keys; a reader reads its repos", async () => {
  const { dir, commit } = await preparedDir();
  server = await withServer({ dataDir: dir, auth: true });
  const admin = keysOf(server.adminToken!);
  const at = { STRATA_SERVER: server.url };
  expect((await strata(["auth", "user", "list"], at)).code).toBe(6); // anonymous
  expect((await strata(["auth", "user", "create", "rita"], { ...at, ...admin })).code).toBe(0);
  expect((await strata(["auth", "grant", "rita", "reader", "photos"], { ...at, ...admin })).code).toBe(0);
  expect((await strata(["auth", "grant", "rita", "reader", "nope"], { ...at, ...admin })).code).toBe(3);
  const made = (await strata(["auth", "token", "create", "rita", "--json"], { ...at, ...admin })).json();
  expect((await strata(["auth", "token", "list", "rita", "--json"], { ...at, ...admin })).json().tokens[0].id).toBe(made.id);
  const rita = { ...at, ...keysOf(made.token) };
  // What a reader may: history, diff, listing, downloads, in its repo; lists show only its repos.
  expect((await strata(["log", "photos"], rita)).out).toContain(`commit ${commit}`);
  expect((await strata(["commit", "list", "photos", "--all", "--json"], rita)).json().commits[0].id).toBe(commit);
  expect((await strata(["diff", `${commit}.photos`, "master.photos", "--json"], rita)).json().changes).toEqual([]);
  expect((await strata(["ls", "master.photos", "-r", "--json"], rita)).json().objects[0].key).toBe("a.txt");
  expect((await strata(["get", "master.photos/a.txt", "-"], rita)).out).toBe("sun");
  await new VersionedStore(server.repo.store).createRepo("secret");
  expect((await strata(["repo", "list", "--json"], rita)).json().repos.map((r: { name: string }) => r.name)).toEqual(["photos"]);
  // ... and what it may not.
  expect((await strata(["ls", "master.secret"], rita)).code).toBe(6);
  expect((await strata(["commit", "start", "master.photos"], rita)).code).toBe(6);
  expect((await strata(["auth", "user", "list"], rita)).code).toBe(6);
  expect((await strata(["gc"], rita)).code).toBe(6);
  // A writer may open and drop commits (its JSON body is read by both the role check and the route).
  expect((await strata(["auth", "grant", "rita", "writer", "photos"], { ...at, ...admin })).code).toBe(0);
  expect((await strata(["commit", "start", "master.photos", "-m", "by rita"], rita)).code).toBe(0);
  expect((await strata(["commit", "drop", "master.photos"], rita)).code).toBe(0);
  expect((await strata(["branch", "create", "dev.photos"], rita)).code).toBe(6); // owner's
  // Revoked live: the token stops working at once.
  expect((await strata(["auth", "token", "revoke", made.token], { ...at, ...admin })).code).toBe(0);
  expect((await strata(["log", "photos"], rita)).code).toBe(6);
  expect((await strata(["auth", "user", "delete", "rita"], { ...at, ...admin })).code).toBe(0);
  const disable = await strata(["auth", "disable", "--json"], { ...at, ...admin });
  expect([disable.code, disable.json().error.code]).toEqual([4, "AuthRequired"]); // serve --auth holds it on
  await server.stop();
  server = undefined;
}, 60_000);

test("live enable and disable on a server started without --auth take effect at once", async () => {
  server = await withServer();
  const at = { STRATA_SERVER: server.url };
  expect((await strata(["repo", "list"], at)).code).toBe(0);
  const on = (await strata(["auth", "enable", "--json"], at)).json();
  expect(on.token).toMatch(/^strata_/);
  expect((await strata(["repo", "list"], at)).code).toBe(6);
  expect((await strata(["repo", "list"], { ...at, ...realLooking() })).code).toBe(6);
  expect((await strata(["repo", "list"], { ...at, ...keysOf(on.token) })).code).toBe(0);
  expect((await strata(["auth", "disable"], at)).code).toBe(6);
  expect((await strata(["auth", "disable"], { ...at, ...keysOf(on.token) })).code).toBe(0);
  expect((await strata(["repo", "list"], { ...at, ...realLooking() })).code).toBe(0);
  await server.stop();
  server = undefined;
}, 60_000);

test("auth off: the aws CLI and boto3 work with any real-looking keys; checksums still count", async () => {
  server = await withServer();
  const keys = realLooking();
  const file = path.join(newDir(), "f.bin");
  fs.writeFileSync(file, randomBytes(9 * 1024 * 1024)); // multipart, chunked with checksums
  expect((await aws(server.url, ["s3", "mb", "s3://anyaws"], keys)).code).toBe(0);
  const cp = await aws(server.url, ["s3", "cp", file, "s3://anyaws/f.bin"], keys);
  expect([cp.code, cp.stderr]).toEqual([0, ""]);
  const ls = await aws(server.url, ["s3", "ls", "s3://anyaws"], realLooking());
  expect(ls.stdout).toContain("f.bin");
  const presigned = await aws(server.url, ["s3", "presign", "s3://anyaws/f.bin"], realLooking());
  expect((await fetch(presigned.stdout.trim())).status).toBe(200);
  const boto = await run("python3", [path.join(import.meta.dirname, "fixtures/any_credentials.py"), server.url, keys.AWS_ACCESS_KEY_ID, keys.AWS_SECRET_ACCESS_KEY], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_EC2_METADATA_DISABLED: "true" },
  });
  expect([boto.stdout.trim(), boto.stderr]).toEqual(["ok", ""]);
  await server.stop();
  server = undefined;
}, 120_000);
