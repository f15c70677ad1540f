// Users, tokens and roles in the ref journal, and the `strata auth` commands that edit them offline.
import { afterEach, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { AccessControl, roleAtLeast } from "../../src/repo/access.ts";
import { VersionedStore } from "../../src/repo/versioned-store.ts";
import { Store } from "../../src/store/store.ts";
import { tempDir } from "../helpers/server.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const newDir = () => {
  const d = tempDir("strata-access-");
  dirs.push(d);
  return d;
};

async function withAccess<T>(dir: string, f: (a: AccessControl) => Promise<T> | T): Promise<T> {
  const store = Store.open(dir);
  try {
    const repos = new VersionedStore(store);
    for (const repo of ["photos", "r1"]) if (!repos.getRepo(repo, "latest")) await repos.createRepo(repo);
    return await f(new AccessControl(store));
  } finally {
    await store.close();
  }
}

test("tokens map to users, survive a restart, and are stored only hashed", async () => {
  const dir = newDir();
  const { token } = await withAccess(dir, async (a) => {
    await a.createUser("alice");
    await a.grant("alice", "writer", "photos");
    return a.createToken("alice", "laptop");
  });
  expect(token).toMatch(/^strata_[0-9a-f]{40}$/);
  expect(fs.readFileSync(path.join(dir, "refs.journal")).includes(token)).toBe(false);
  await withAccess(dir, (a) => {
    const user = a.userForToken(token)!;
    expect(user.name).toBe("alice");
    expect(user.roles).toEqual({ photos: "writer" });
    expect(a.userForToken(token.replace(/.$/, (c) => (c === "0" ? "1" : "0")))).toBeUndefined();
    expect(a.listTokens("alice").map((t) => t.label)).toEqual(["laptop"]);
  });
});

test("revoking tokens and roles, deleting users", async () => {
  await withAccess(newDir(), async (a) => {
    await a.createUser("bob");
    const t1 = await a.createToken("bob");
    const t2 = await a.createToken("bob");
    await a.revokeToken(t1.info.id);
    expect(a.userForToken(t1.token)).toBeUndefined();
    expect(a.userForToken(t2.token)?.name).toBe("bob");
    await a.grant("bob", "owner", "r1");
    expect(await a.revoke("bob", "r1")).toBe(true);
    expect(await a.revoke("bob", "r1")).toBe(false);
    await a.deleteUser("bob");
    expect(a.userForToken(t2.token)).toBeUndefined();
    expect(a.listTokens()).toEqual([]);
    await expect(a.grant("nobody", "reader", "r1")).rejects.toThrow("no user nobody");
    await a.createUser("carol");
    await expect(a.grant("carol", "boss" as never, "r1")).rejects.toThrow("a role is one of");
    // A role in a repo that does not exist would grant nothing: most likely a typo.
    await expect(a.grant("carol", "reader", "no-such-repo")).rejects.toMatchObject({ code: "NoSuchRepo" });
    await expect(a.createUser("Bad Name")).rejects.toThrow("user names");
  });
});

test("the last admin can be neither deleted nor demoted; one of two can", async () => {
  await withAccess(newDir(), async (a) => {
    await a.enable();
    await expect(a.deleteUser("admin")).rejects.toMatchObject({ code: "LastAdmin", message: expect.stringContaining("cannot be deleted") });
    await expect(a.setAdmin("admin", false)).rejects.toMatchObject({ code: "LastAdmin", message: expect.stringContaining("cannot be demoted") });
    await a.createUser("root", { admin: true });
    await a.setAdmin("admin", false);
    await expect(a.deleteUser("root")).rejects.toMatchObject({ code: "LastAdmin" });
    await a.setAdmin("admin", true);
    await a.deleteUser("root");
    expect(a.listUsers().filter((u) => u.admin).map((u) => u.name)).toEqual(["admin"]);
  });
});

test("enable creates one admin token, once, and remembers that auth is on", async () => {
  await withAccess(newDir(), async (a) => {
    expect(a.authEnabled()).toBe(false);
    const first = await a.enable();
    expect(first?.user).toBe("admin");
    expect(a.userForToken(first!.token)?.admin).toBe(true);
    expect(a.authEnabled()).toBe(true);
    expect(await a.enable()).toBeUndefined();
    // When every admin token is revoked, enabling again gives a new way in.
    await a.revokeToken(first!.token);
    expect((await a.enable())?.token).not.toBe(first!.token);
  });
});

test("roles are ordered reader < writer < owner", () => {
  expect(roleAtLeast("owner", "writer")).toBe(true);
  expect(roleAtLeast("writer", "writer")).toBe(true);
  expect(roleAtLeast("reader", "writer")).toBe(false);
  expect(roleAtLeast(undefined, "reader")).toBe(false);
});
