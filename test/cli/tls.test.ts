// The CLI against an HTTPS server with a self-signed certificate: refused with a message that says why,
// trusted with --ca FILE or NODE_EXTRA_CA_CERTS.
import { afterAll, beforeAll, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StrataServer } from "../../src/server.ts";
import { run } from "../helpers/process.ts";
import { withServer } from "../helpers/server.ts";
import { selfSignedCert } from "../auth/helpers.ts";
import { BIN_DIR, ROOT, tempDir } from "./helpers.ts";

let server: StrataServer;
let dir: string;
let cert: string;
beforeAll(async () => {
  dir = tempDir();
  const pair = await selfSignedCert(dir);
  cert = pair.cert;
  server = await withServer({ tlsCert: pair.cert, tlsKey: pair.key });
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const strata = (args: string[], env: Record<string, string> = {}) =>
  run(path.join(BIN_DIR, "bun"), [path.join(ROOT, "src/main.ts"), ...args, "--server", server.url.replace("localhost", "127.0.0.1")], { env: { PATH: process.env.PATH!, ...env } });

test("an untrusted certificate is named as such; --ca and NODE_EXTRA_CA_CERTS trust it", async () => {
  expect(server.url).toStartWith("https://");
  const refused = await strata(["repo", "list"]);
  expect(refused.code).toBe(5);
  expect(refused.stderr).toContain("TLS certificate is not trusted");
  expect(refused.stderr).toContain("--ca FILE");
  expect(refused.stderr).not.toContain("is `strata serve` running");
  expect((await strata(["repo", "list", "--ca", cert])).code).toBe(0);
  expect((await strata(["repo", "list"], { STRATA_CA: cert })).code).toBe(0);
  expect((await strata(["repo", "list"], { NODE_EXTRA_CA_CERTS: cert })).code).toBe(0);
  expect((await strata(["repo", "list", "--ca", path.join(dir, "missing.pem")])).code).toBe(2);
});
