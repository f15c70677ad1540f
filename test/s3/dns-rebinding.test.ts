// With auth off on loopback (the default), a request whose Host names some other machine is refused before
// anything runs: a web page that points its own DNS name at 127.0.0.1 (DNS rebinding) must not be able to
// read or write through S3, the admin API or the console as if the server were its own origin.
import { describe, expect, test } from "bun:test";
import { isLocalHostname } from "../../src/s3/host.ts";
import { rawCall } from "../helpers/raw-socket.ts";
import { withServer } from "../helpers/server.ts";
import { withAuthServer } from "../auth/helpers.ts";

describe("isLocalHostname", () => {
  const cases: Array<[string, string[], boolean]> = [
    ["localhost", [], true],
    ["photos.localhost", [], true],
    ["master.photos.localhost", [], true],
    ["127.0.0.1", [], true],
    ["10.1.2.3", [], true],
    ["[::1]", [], true],
    ["s3.example.test", ["s3.example.test"], true],
    ["photos.s3.example.test", ["s3.example.test"], true],
    ["evil.example", [], false],
    ["localhost.evil.example", [], false],
    ["127.0.0.1.nip.io", [], false],
    ["xs3.example.test", ["s3.example.test"], false],
  ];
  for (const [hostname, domains, local] of cases) {
    test(`${hostname} with domains [${domains.join(",")}]: ${local ? "local" : "refused"}`, () => {
      expect(isLocalHostname(hostname, domains)).toBe(local);
    });
  }
});

describe("a loopback server with auth off", () => {
  test("refuses a foreign Host on every route with 403 AccessDenied XML, and creates nothing", async () => {
    const server = await withServer({ domains: ["s3.example.test"] });
    try {
      for (const target of ["PUT /stolen", "GET /", "POST /_strata/repos", "GET /_strata/console/"]) {
        const res = await rawCall(server.port, `${target} HTTP/1.1\r\nHost: evil.example:${server.port}\r\nContent-Length: 0`);
        expect([target, res.status]).toEqual([target, 403]);
        expect(res.body).toContain("<Code>AccessDenied</Code>");
        expect(res.body).toContain("DNS rebinding");
      }
      expect(server.repo.listRepos().map((r) => r.name)).not.toContain("stolen");
      const local: Array<[string, string]> = [["localhost", "/kept1"], ["127.0.0.1", "/kept2"], ["[::1]", "/kept3"], ["s3.example.test", "/kept4"], ["kept5.s3.example.test", "/"]];
      for (const [host, target] of local) {
        const res = await rawCall(server.port, `PUT ${target} HTTP/1.1\r\nHost: ${host}:${server.port}\r\nContent-Length: 0`);
        expect([host, res.status]).toEqual([host, 200]);
      }
    } finally {
      await server.stop();
    }
  });

  test("bound to every address, or with auth on, a Host is not limited (other machines may name it)", async () => {
    const open = await withServer({ bind: "0.0.0.0" });
    const authed = await withAuthServer("photos");
    try {
      const res = await rawCall(open.port, `GET /healthz HTTP/1.1\r\nHost: strata.lan:${open.port}`);
      expect(res.status).toBe(200);
      const anonymous = await rawCall(authed.port, `GET /photos HTTP/1.1\r\nHost: strata.lan`);
      expect(anonymous.body).toContain("<Code>AccessDenied</Code>"); // refused for want of a signature, not for its Host
      expect(anonymous.body).not.toContain("DNS rebinding");
    } finally {
      await open.stop();
      await authed.stop();
    }
  });
});
