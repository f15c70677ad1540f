// The web console in a real browser (Debian's chromium driven by playwright-core): a visit to / lands on it,
// folders lead to an object whose CSV is previewed as a table, two commits compared show their changed keys, a
// folder uploaded is one new commit, with auth on a reader signs in (session cookie HttpOnly, SameSite=Strict)
// and is refused what the role lacks; a merge shows its conflicts with both sides before it lands, a revert and
// tags are made from their pages, and purging a version first names what goes forever.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { type Browser, chromiumMissing, launchChromium } from "./chromium.ts";

const skip = chromiumMissing("the console tests");

let server: StrataServer;
let browser: Browser;
const utf8 = (s: string) => new TextEncoder().encode(s);
/** How the console shows a commit or version id (core.ts: short). */
const short = (id: string) => id.slice(0, 16);

beforeAll(async () => {
  if (skip) return;
  server = await withServer();
  await server.repo.createRepo("data");
  await server.repo.createBranch("data", "master");
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function commitCount(s: StrataServer, repo: string): Promise<number> {
  return s.repo.repoCommits(repo, 10_000).commits.length;
}

async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
  const page = await browser.context.newPage();
  try {
    return await fn(page);
  } finally {
    await page.close();
  }
}

test.skipIf(skip)("a visit to / lands on the console; folders lead to an object whose CSV is shown as a table", async () => {
  await server.repo.putObject("data", "master", "reports/2026/q1.csv", utf8('city,"pop, 2026"\nOslo,709000\n"Ber""n",140000\n'), { contentType: "text/csv" });
  await withPage(async (page) => {
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe("/_strata/console/");
    await page.getByRole("link", { name: "data", exact: true }).click();
    await page.getByRole("link", { name: "master", exact: true }).click();
    await page.getByRole("link", { name: "reports/" }).click();
    await page.getByRole("link", { name: "2026/" }).click();
    await page.getByRole("link", { name: "q1.csv" }).click();
    await page.getByRole("heading", { name: "reports/2026/q1.csv" }).waitFor();
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.getByRole("cell", { name: "709000" }).waitFor();
    expect(await preview.locator("th").allTextContents()).toEqual(["city", "pop, 2026"]);
    expect(await preview.locator("tbody tr").nth(1).locator("td").allTextContents()).toEqual(['Ber"n', "140000"]);
    await page.getByText("text/csv").waitFor();
    // An object written without a type says so, instead of showing an empty field.
    await server.repo.putObject("data", "master", "untyped", utf8("x"));
    await page.goto(`${server.url}/_strata/console/#/object/master.data/untyped`);
    await page.getByText("none (S3 serves it as binary/octet-stream)").waitFor();
  });
}, 60_000);

test.skipIf(skip)("comparing two commits shows the keys added, changed and deleted, and a side-by-side diff", async () => {
  await server.repo.putObject("data", "master", "cmp/notes.txt", utf8("one\ntwo\nthree\n"));
  const first = (await server.repo.putObject("data", "master", "cmp/gone.txt", utf8("bye"))).commit;
  await server.repo.putObject("data", "master", "cmp/notes.txt", utf8("one\n2\nthree\n"));
  await server.repo.putObject("data", "master", "cmp/new.txt", utf8("hello"));
  const last = (await server.repo.deleteObjects({ repo: "data", branch: "master" }, [{ key: "cmp/gone.txt" }])).commit;
  await withPage(async (page) => {
    await page.goto(`${server.url}/_strata/console/#/compare/data?from=${first}.data&to=${last}.data`);
    await page.locator("#summary").getByText("1 added, 1 changed, 1 deleted").waitFor();
    const rows = page.locator("tbody tr");
    expect(await rows.locator("td:nth-child(2)").allTextContents()).toEqual(["cmp/gone.txt", "cmp/new.txt", "cmp/notes.txt"]);
    await page.getByRole("button", { name: "Show diff" }).click();
    const diff = page.getByRole("table", { name: "Diff of cmp/notes.txt" });
    await diff.locator("tr.del").getByText("two").waitFor();
    await diff.locator("tr.add").getByText("2").waitFor();
  });
}, 60_000);

test.skipIf(skip)("a folder uploaded from the branch page is one new commit holding every file under the prefix", async () => {
  await server.repo.putObject("data", "master", "up/readme.txt", utf8("start"));
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "strata-upload-"));
  fs.mkdirSync(path.join(folder, "photos", "2026"), { recursive: true });
  fs.writeFileSync(path.join(folder, "photos", "a.txt"), "alpha");
  fs.writeFileSync(path.join(folder, "photos", "2026", "b.json"), '{"b":1}');
  const before = await commitCount(server, "data");
  try {
    await withPage(async (page) => {
      await page.goto(`${server.url}/_strata/console/#/tree/master.data/up%2F`);
      await page.getByLabel("Folder").setInputFiles(path.join(folder, "photos"));
      await page.getByRole("status").getByText("Upload of 2 file(s): done").waitFor();
      await page.getByRole("link", { name: "photos/" }).waitFor();
    });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  expect(await commitCount(server, "data")).toBe(before + 1);
  const head = server.repo.headCommit("data", "master")!;
  expect(head.message).toBe("Upload 2 files into up/");
  const keys = server.repo.list(server.repo.snapshot({ repo: "data", branch: "master" }), { prefix: "up/", limit: 10 }).objects.map((o) => o.key);
  expect(keys).toEqual(["up/photos/2026/b.json", "up/photos/a.txt", "up/readme.txt"]);
  expect(new TextDecoder().decode(await server.repo.getObject("data", "master", "up/photos/2026/b.json"))).toBe('{"b":1}');
}, 60_000);

test.skipIf(skip)("with auth on a reader signs in, browses, and is refused what the reader role lacks", async () => {
  const authed = await withServer({ auth: true });
  try {
    const admin = { authorization: `Bearer ${authed.adminToken}`, "content-type": "application/json" };
    const call = async (p: string, method: string, body?: unknown) => {
      const res = await fetch(`${authed.url}/_strata/${p}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(res.status).toBeLessThan(300);
      return res.json();
    };
    await call("repos", "POST", { name: "lab" });
    await authed.repo.putObject("lab", "master", "data.txt", utf8("lab data"));
    await call("auth/users", "POST", { name: "rita" });
    await call("auth/users/rita/roles/lab", "PUT", { role: "reader" });
    const { token } = await call("auth/users/rita/tokens", "POST", {});
    await withPage(async (page) => {
      await page.goto(`${authed.url}/_strata/console/`);
      await page.getByLabel("Access key").fill(token);
      await page.getByLabel("Secret key").fill("wrong");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").getByText("InvalidCredentials").waitFor();
      await page.getByLabel("Secret key").fill(token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByText("rita").waitFor();
      const cookies = await page.context().cookies(`${authed.url}/_strata/`);
      expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).toEqual([["strata_console", true, "Strict", "/_strata/"]]);
      expect(cookies[0].value).not.toContain(token);
      expect(await page.evaluate(() => JSON.stringify(localStorage) + document.cookie)).toBe("{}");
      // A reader sees the repo and its objects, but no upload, delete or branch controls.
      await page.getByRole("link", { name: "lab", exact: true }).click();
      await page.getByRole("heading", { name: "Branches" }).waitFor();
      expect(await page.getByRole("button", { name: "Create branch" }).count()).toBe(0);
      await page.getByRole("link", { name: "master", exact: true }).click();
      await page.getByRole("link", { name: "data.txt" }).waitFor();
      expect(await page.getByRole("button", { name: /^Delete/ }).count()).toBe(0);
      expect(await page.getByLabel("Folder").count()).toBe(0);
      // And the server refuses it anyway: with the session's CSRF token the role decides, without it the request is refused.
      const refused = await page.evaluate(async () => {
        const session = await (await fetch("/_strata/console/session")).json();
        const attempt = async (headers: Record<string, string>) => {
          const res = await fetch("/_strata/branches", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ ref: "x.lab" }) });
          return [res.status, (await res.json()).error.code];
        };
        return [await attempt({ "x-strata-csrf": session.csrf }), await attempt({})];
      });
      expect(refused).toEqual([[403, "AccessDenied"], [403, "InvalidCsrfToken"]]);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
    });
    expect(authed.repo.listBranches("lab").map((b) => b.branch)).toEqual(["master"]);
  } finally {
    await authed.stop();
  }
}, 60_000);

test.skipIf(skip)("merge: a key changed differently on two branches is a conflict shown with both sides; source-wins then lands a merge commit with two parents", async () => {
  await server.repo.createRepo("wx");
  await server.repo.createBranch("wx", "master");
  await server.repo.putObject("wx", "master", "oslo.csv", utf8("day,temp\nmon,3\n"));
  await server.repo.createBranch("wx", "dev", { branch: "master" });
  const masterOslo = (await server.repo.putObject("wx", "master", "oslo.csv", utf8("day,temp\nmon,4\n"))).commit;
  const devOslo = (await server.repo.putObject("wx", "dev", "oslo.csv", utf8("day,temp\nmon,-2\ntue,1\n"))).commit;
  await server.repo.putObject("wx", "dev", "bergen.csv", utf8("day,temp\nmon,7\n"));
  const masterHead = server.repo.headCommit("wx", "master")!.id;
  const devHead = server.repo.headCommit("wx", "dev")!.id;
  await withPage(async (page) => {
    await page.goto(`${server.url}/_strata/console/#/compare/wx?from=dev.wx&to=master.wx`);
    await page.getByRole("link", { name: "Merge dev.wx into master…" }).click();
    const conflicts = page.getByRole("table", { name: "Conflicts" });
    await page.getByRole("alert").getByText("1 key was changed differently on both sides; nothing was written.").waitFor();
    const row = conflicts.locator("tbody tr").first();
    expect(await row.locator("td").first().textContent()).toBe("oslo.csv");
    // Base, source (dev) and branch (master) versions, each with its size and commit.
    const cells = await row.locator("td").allTextContents();
    expect(cells[1]).toContain("15 B");
    expect(cells[2]).toContain("22 B");
    expect(cells[2]).toContain(short(devOslo));
    expect(cells[3]).toContain("15 B");
    expect(cells[3]).toContain(short(masterOslo));
    await page.getByRole("button", { name: "Compare both sides of oslo.csv" }).click();
    const diff = page.getByRole("table", { name: "Diff of oslo.csv" });
    await diff.locator("tr.del").getByText("mon,4").waitFor();
    await diff.locator("tr.add").getByText("mon,-2").waitFor();
    expect(server.repo.headCommit("wx", "master")!.id).toBe(masterHead); // the preview wrote nothing
    await page.getByLabel("taking the source's version (dev.wx)").check();
    await page.getByLabel("Commit message").fill("land dev");
    await page.getByRole("button", { name: "Merge with this choice" }).click();
    await page.getByRole("status").getByText("Merge dev.wx into master: merged, 1 conflict(s) settled").waitFor();
    await page.getByRole("heading", { name: /^Commit / }).waitFor();
    await page.getByRole("link", { name: "log", exact: true }).click();
    const first = page.locator("ol.commits li").first();
    await first.getByText("land dev").waitFor();
    expect(await first.textContent()).toContain("· merge");
    expect(await page.locator("svg.graph circle[r='6']").count()).toBe(1);
  });
  const merge = server.repo.headCommit("wx", "master")!;
  expect([merge.parent, merge.merged]).toEqual([masterHead, devHead]);
  expect(new TextDecoder().decode(await server.repo.getObject("wx", "master", "oslo.csv"))).toBe("day,temp\nmon,-2\ntue,1\n");
  expect(new TextDecoder().decode(await server.repo.getObject("wx", "master", "bergen.csv"))).toBe("day,temp\nmon,7\n");
}, 60_000);

test.skipIf(skip)("revert: a commit's page previews undoing it, then reverting is a new commit that restores the key", async () => {
  await server.repo.putObject("data", "master", "rv/a.txt", utf8("first"));
  const bad = (await server.repo.putObject("data", "master", "rv/a.txt", utf8("oops"))).commit;
  await withPage(async (page) => {
    await page.goto(`${server.url}/_strata/console/#/commit/data/${bad}`);
    await page.getByText("Revert or tag this commit").click();
    await page.getByRole("button", { name: "Preview revert" }).click();
    await page.getByText("A new commit changing 1 key.").waitFor();
    await page.getByLabel("Commit message").fill("undo oops");
    await page.getByRole("button", { name: "Revert", exact: true }).click();
    await page.getByRole("status").getByText(`Revert ${short(bad)} on master: merged`).waitFor();
    await page.getByRole("definition").getByText("undo oops").waitFor();
  });
  expect(server.repo.headCommit("data", "master")!.message).toBe("undo oops");
  expect(new TextDecoder().decode(await server.repo.getObject("data", "master", "rv/a.txt"))).toBe("first");
}, 60_000);

test.skipIf(skip)("tags: created on a branch's head from the tags page, browsed read-only, shown in the log, deleted after a confirmation", async () => {
  const head = (await server.repo.putObject("data", "master", "tg/x.txt", utf8("x"))).commit;
  await withPage(async (page) => {
    await page.goto(`${server.url}/_strata/console/#/repo/data`);
    await page.getByRole("link", { name: "Tags" }).click();
    await page.getByLabel("Tag name").fill("v1");
    await page.getByLabel("At (commit, branch or tag)").fill("master");
    await page.getByLabel("Message").fill("first release");
    await page.getByRole("button", { name: "Create tag" }).click();
    const tags = page.getByRole("table", { name: "Tags" });
    await tags.getByRole("cell", { name: "first release" }).waitFor();
    expect(await tags.getByRole("link", { name: short(head) }).count()).toBe(1);
    // A tag is read-only: browsing it offers no upload or delete.
    await tags.getByRole("link", { name: "v1" }).click();
    await page.getByRole("link", { name: "tg/" }).waitFor();
    await page.getByRole("link", { name: "tg/" }).click();
    await page.getByRole("link", { name: "x.txt" }).waitFor();
    expect(await page.getByRole("button", { name: /^Delete/ }).count()).toBe(0);
    expect(await page.getByLabel("Folder").count()).toBe(0);
    await page.goto(`${server.url}/_strata/console/#/log/data`);
    await page.locator("ol.commits li").first().locator(".badge.tag").getByText("v1").waitFor();
    await page.goto(`${server.url}/_strata/console/#/tags/data`);
    await page.getByRole("button", { name: "Delete tag v1" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(`commit ${short(head)} stays`).waitFor();
    await dialog.getByRole("button", { name: "Delete tag" }).click();
    await page.getByRole("table", { name: "Tags" }).getByText("Nothing here.").waitFor();
  });
  expect(server.repo.listTags("data")).toEqual([]);
}, 60_000);

test.skipIf(skip)("purging a version asks first, naming the key, the version and its size as gone forever; cancel keeps it", async () => {
  const old = (await server.repo.putObject("data", "master", "pg/secret.txt", utf8("password=hunter2"))).commit;
  await server.repo.putObject("data", "master", "pg/secret.txt", utf8("redacted"));
  await withPage(async (page) => {
    await page.goto(`${server.url}/_strata/console/#/object/master.data/pg%2Fsecret.txt`);
    const versions = page.getByRole("table", { name: "Versions" });
    await versions.locator("tbody tr").nth(1).waitFor();
    const purge = page.getByRole("button", { name: `Purge version ${short(old)}` });
    await purge.click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.locator("p").textContent()).toBe(
      `Version ${old} of pg/secret.txt in repo data (16 B, written by commit ${short(old)}) will be gone forever: from every commit, every branch and every tag; the next gc frees its bytes unless another version shares them. This cannot be undone.`,
    );
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await versions.locator("tbody tr").count()).toBe(2);
    await purge.click();
    await page.getByRole("dialog").getByRole("button", { name: "Purge forever" }).click();
    await page.getByRole("status").getByText(`Purge pg/secret.txt version ${short(old)}: done`).waitFor();
    await versions.locator("tbody tr").first().waitFor();
    expect(await versions.locator("tbody tr").count()).toBe(1);
  });
  const gone = await fetch(`${server.url}/_strata/object?ref=master.data&key=pg/secret.txt&version=${old}`);
  expect([gone.status, (await gone.json()).error.code]).toEqual([404, "NoSuchVersion"]);
}, 60_000);

test.skipIf(skip)("the repos page shows each repo's logical size in bytes, its branches and its newest commit; the store's stored bytes", async () => {
  await server.repo.createRepo("sized");
  await server.repo.createBranch("sized", "master");
  await server.repo.putObject("sized", "master", "a.bin", new Uint8Array(1500));
  await server.repo.createBranch("sized", "exp", { branch: "master" });
  const last = (await server.repo.putObject("sized", "exp", "b.bin", new Uint8Array(100))).commit;
  await withPage(async (page) => {
    await page.goto(`${server.url}/_strata/console/`);
    const row = page.getByRole("table", { name: "Repos" }).getByRole("row").filter({ has: page.getByRole("link", { name: "sized", exact: true }) });
    const cells = row.getByRole("cell");
    expect(await cells.nth(1).textContent()).toBe("1.6 KiB");
    expect(await cells.nth(1).locator("span").getAttribute("title")).toBe("1600 bytes");
    expect(await cells.nth(2).getByRole("link").allTextContents()).toEqual(["exp", "master"]);
    expect(await cells.nth(3).textContent()).toContain(`${short(last)} on exp`);
    await page.locator("#store").getByText(/^Store: .+ stored for .+ written \(dedup \d+\.\d\d×\)$/).waitFor();
    // The dashboard calls the same number "written" too ("logical" is the repos' size, a different number).
    await page.goto(`${server.url}/_strata/console/#/dashboard`);
    await page.locator("#dedup").waitFor();
    expect(await page.locator("main, body").first().textContent()).toContain("Dedup ratio (written ÷ stored)");
    expect(await page.locator("figcaption").allTextContents()).toContainEqual(expect.stringMatching(/^Written vs stored: written .+, stored .+$/));
  });
}, 60_000);

test.skipIf(skip)("on a phone-width screen a merge can be planned, settled and landed with the keyboard alone (dest-wins keeps the branch's version)", async () => {
  await server.repo.createRepo("kb");
  await server.repo.createBranch("kb", "master");
  await server.repo.putObject("kb", "master", "k.txt", utf8("base"));
  await server.repo.createBranch("kb", "dev", { branch: "master" });
  await server.repo.putObject("kb", "dev", "k.txt", utf8("dev's"));
  await server.repo.putObject("kb", "master", "k.txt", utf8("master's"));
  const before = server.repo.headCommit("kb", "master")!.id;
  await withPage(async (page) => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${server.url}/_strata/console/#/merge/kb`);
    await page.getByLabel("Merge from").focus();
    await page.keyboard.type("dev");
    await page.keyboard.press("Enter");
    await page.getByRole("table", { name: "Conflicts" }).getByRole("cell", { name: "k.txt", exact: true }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390); // nothing sideways
    await page.getByLabel("taking the source's version (dev)").focus();
    await page.keyboard.press("ArrowDown");
    expect(await page.getByLabel("keeping the branch's version (master)").isChecked()).toBe(true);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("apply-msg");
    await page.keyboard.type("keep ours");
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText("Merge dev into master: merged, 1 conflict(s) settled").waitFor();
  });
  const merge = server.repo.headCommit("kb", "master")!;
  expect([merge.message, merge.parent]).toEqual(["keep ours", before]);
  expect(new TextDecoder().decode(await server.repo.getObject("kb", "master", "k.txt"))).toBe("master's");
}, 60_000);
