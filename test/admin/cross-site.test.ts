// A page of another site cannot change anything through the admin API, auth on or off (with auth off no session
// and no CSRF header exist): Fetch Metadata and Origin tell a browser's cross-site request from the console's own
// requests and from programs (the CLI sends neither header).
import { afterAll, expect, test } from "bun:test";
import { createAdminApp } from "../../src/admin/api.ts";
import { crossSiteWrite } from "../../src/admin/cross-site.ts";
import { openService } from "../helpers/repo.ts";

test.each([
  ["GET from another site reads (CORS keeps the answer from the page)", "GET", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }, false],
  ["a program's POST (no Origin, no Fetch Metadata)", "POST", {}, false],
  ["the console's own POST", "POST", { origin: "http://127.0.0.1:30600", "sec-fetch-site": "same-origin" }, false],
  ["the console's own POST from an older browser (Origin only)", "DELETE", { origin: "http://LOCALHOST:30600", host: "localhost:30600" }, false],
  ["a cross-site form POST", "POST", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }, true],
  ["a same-site page on a sibling host", "POST", { "sec-fetch-site": "same-site" }, true],
  ["an Origin of another host, no Fetch Metadata", "PUT", { origin: "https://evil.example" }, true],
  ["the same host on another port", "POST", { origin: "http://127.0.0.1:8080" }, true],
  ["Origin: null (a sandboxed frame)", "POST", { origin: "null" }, true],
  ["an Origin that is not a URL", "POST", { origin: "][" }, true],
] as const)("%s", (_, method, headers, refused) => {
  expect(crossSiteWrite(method, new Headers({ host: "127.0.0.1:30600", ...headers })) !== undefined).toBe(refused);
});

const repo = openService();
afterAll(() => repo.close());
const app = createAdminApp({ repo, limits: { etagMode: "sha256", maxObjectSize: 1 << 20 } });

test("with auth off, a cross-site text/plain POST creating a repo is refused and creates nothing", async () => {
  const res = await app.fetch(new Request("http://127.0.0.1:30600/_strata/repos", {
    method: "POST",
    body: JSON.stringify({ name: "planted" }),
    headers: { "content-type": "text/plain", origin: "https://evil.example", "sec-fetch-site": "cross-site", host: "127.0.0.1:30600" },
  }));
  expect(res.status).toBe(403);
  expect((await res.json()).error.code).toBe("CrossSiteRequest");
  expect((await repo.listRepos()).map((r) => r.name)).not.toContain("planted");
  const own = await app.fetch(new Request("http://127.0.0.1:30600/_strata/repos", {
    method: "POST",
    body: JSON.stringify({ name: "mine" }),
    headers: { "content-type": "application/json", origin: "http://127.0.0.1:30600", host: "127.0.0.1:30600" },
  }));
  expect(own.status).toBeLessThan(300);
});
