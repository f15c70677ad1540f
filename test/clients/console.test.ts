// The web console in a real browser (Debian's chromium driven by playwright-core): a visit to / lands on it,
// folders lead to an object whose CSV is previewed as a table, two commits compared show their changed keys, a
// folder uploaded is one new commit, and with auth on a reader signs in (session cookie HttpOnly,
// SameSite=Strict) and is refused what the role lacks.
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
