// A real browser (Debian's chromium, driven by playwright-core) on a page of another origin: it uploads with a
// presigned POST form (fetch + FormData, and a plain HTML form submit that redirects back) and with a presigned
// PUT after its preflight, then reads the objects back with fetch; the same page served from an origin no CORS
// rule allows is refused. AWS: "Using cross-origin resource sharing (CORS)", "Browser-based uploads using POST".
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { type Browser, chromiumMissing, launchChromium } from "./chromium.ts";
import { http } from "../s3/http.ts";

const skip = chromiumMissing("the browser tests");

let server: StrataServer;
let pages: Server;
let pagePort: number;
let browser: Browser;
let client: S3Client;

/** The page's origin, as S3 sees it in Origin: the rule below allows 127.0.0.1, not localhost. */
const allowedOrigin = () => `http://127.0.0.1:${pagePort}`;
const refusedOrigin = () => `http://localhost:${pagePort}`;

beforeAll(async () => {
  if (skip) return;
  server = await withServer();
  client = new S3Client({
    endpoint: server.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "web", secretAccessKey: "web" },
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
  // A tiny site on another port: a blank page for scripted uploads, a form page, and where the form lands.
  pages = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    res.setHeader("content-type", "text/html; charset=utf-8");
    if (url.pathname === "/form") res.end(formPage(JSON.parse(url.searchParams.get("post")!)));
    else res.end(`<!doctype html><title>${url.pathname}</title><p>${url.pathname}</p>`);
  });
  await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
  pagePort = (pages.address() as AddressInfo).port;
  const s3 = http(server);
  expect((await s3.call("/web", { method: "PUT" })).status).toBe(200);
  const cors = `<CORSConfiguration><CORSRule>
    <AllowedOrigin>${allowedOrigin()}</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-version-id</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds>
  </CORSRule></CORSConfiguration>`;
  expect((await s3.call("/web?cors", { method: "PUT", body: cors })).status).toBe(200);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (pages) await new Promise((resolve) => pages.close(resolve)); // a skipped run never started it
  await server?.stop();
});

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function formPage(post: { url: string; fields: Record<string, string> }): string {
  const inputs = Object.entries(post.fields).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join("\n");
  return `<!doctype html><title>upload</title>
<form id="f" action="${escapeHtml(post.url)}" method="post" enctype="multipart/form-data">${inputs}
<input type="file" name="file" id="file"><button id="go" type="submit">Upload</button></form>`;
}

/** What the scripted page does: a presigned POST with FormData, a presigned PUT (preflighted), then reads both back. */
async function uploadFromPage(origin: string) {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${origin}/app`);
    const post = await createPresignedPost(client, {
      Bucket: "web",
      Key: "posted/${filename}",
      Conditions: [["starts-with", "$key", "posted/"], ["content-length-range", 1, 1 << 20], ["starts-with", "$Content-Type", "text/"]],
      Fields: { "Content-Type": "text/plain" },
    });
    const put = await getSignedUrl(client, new PutObjectCommand({ Bucket: "web", Key: "put/hello.txt", ContentType: "text/plain" }), { expiresIn: 300 });
    const getPosted = await getSignedUrl(client, new GetObjectCommand({ Bucket: "web", Key: "posted/note.txt" }), { expiresIn: 300 });
    const getPut = await getSignedUrl(client, new GetObjectCommand({ Bucket: "web", Key: "put/hello.txt" }), { expiresIn: 300 });
    return await page.evaluate(
      async ({ post, put, getPosted, getPut }) => {
        const attempt = async (what: string, fn: () => Promise<unknown>) => {
          try {
            return { what, ok: true, value: await fn() };
          } catch (err) {
            return { what, ok: false, value: String(err) };
          }
        };
        const results = [];
        results.push(await attempt("POST form", async () => {
          const form = new FormData();
          for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
          form.append("file", new File(["posted from the browser"], "note.txt", { type: "text/plain" }));
          const res = await fetch(post.url, { method: "POST", body: form });
          return { status: res.status, version: res.headers.get("x-amz-version-id") };
        }));
        results.push(await attempt("presigned PUT", async () => {
          const res = await fetch(put, { method: "PUT", body: "put from the browser", headers: { "content-type": "text/plain" } });
          return { status: res.status, etag: res.headers.get("etag") };
        }));
        results.push(await attempt("read POSTed", async () => (await fetch(getPosted)).text()));
        results.push(await attempt("read PUT", async () => (await fetch(getPut)).text()));
        return results;
      },
      { post, put, getPosted, getPut },
    );
  } finally {
    await page.close();
  }
}

test.skipIf(skip)("a page on an allowed origin uploads with a POST form and a presigned PUT, and reads both back", async () => {
  const results = await uploadFromPage(allowedOrigin());
  expect(results[0]).toEqual({ what: "POST form", ok: true, value: { status: 204, version: expect.stringMatching(/^[0-9a-f]{32}$/) } });
  expect(results[1]).toEqual({ what: "presigned PUT", ok: true, value: { status: 200, etag: expect.stringMatching(/^"[0-9a-f]{64}"$/) } });
  expect(results[2]).toEqual({ what: "read POSTed", ok: true, value: "posted from the browser" });
  expect(results[3]).toEqual({ what: "read PUT", ok: true, value: "put from the browser" });
  const head = await http(server).call("/web/posted/note.txt", { method: "HEAD" });
  expect([head.status, head.headers.get("content-type")]).toEqual([200, "text/plain"]);
}, 60_000);

test.skipIf(skip)("an HTML form submitted in the browser uploads the chosen file and lands on success_action_redirect", async () => {
  const done = `${allowedOrigin()}/done`;
  const post = await createPresignedPost(client, {
    Bucket: "web",
    Key: "forms/${filename}",
    Conditions: [["starts-with", "$key", "forms/"], { success_action_redirect: done }],
    Fields: { success_action_redirect: done },
  });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "strata-form-"));
  const file = path.join(folder, "chosen.txt");
  fs.writeFileSync(file, "chosen in a file dialog");
  const page = await browser.context.newPage();
  try {
    await page.goto(`${allowedOrigin()}/form?post=${encodeURIComponent(JSON.stringify(post))}`);
    await page.setInputFiles("#file", file);
    await Promise.all([page.waitForURL(/\/done\?/), page.click("#go")]);
    const landed = new URL(page.url());
    expect([landed.pathname, landed.searchParams.get("bucket"), landed.searchParams.get("key")]).toEqual(["/done", "web", "forms/chosen.txt"]);
  } finally {
    await page.close();
    fs.rmSync(folder, { recursive: true, force: true });
  }
  const got = await http(server).call("/web/forms/chosen.txt");
  expect([got.status, await got.text()]).toEqual([200, "chosen in a file dialog"]);
  expect(got.headers.get("etag")).toBe(new URL(page.url()).searchParams.get("etag"));
}, 60_000);

test.skipIf(skip)("the same page on an origin no rule allows is refused: no PUT (its preflight fails), no reads", async () => {
  await http(server).call("/web/put/hello.txt", { method: "DELETE" });
  const results = await uploadFromPage(refusedOrigin());
  // A form POST is a "simple" request: the browser sends it and S3 stores it, but the page may not read the answer.
  expect(results.map((r) => [r.what, r.ok, r.ok ? "" : String(r.value).includes("Failed to fetch")])).toEqual([
    ["POST form", false, true],
    ["presigned PUT", false, true],
    ["read POSTed", false, true],
    ["read PUT", false, true],
  ]);
  expect((await http(server).call("/web/put/hello.txt", { method: "HEAD" })).status).toBe(404); // the PUT never left the browser
}, 60_000);
