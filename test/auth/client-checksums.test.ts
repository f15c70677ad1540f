// boto3 and the aws CLI with their default checksums, over HTTP and HTTPS (self-signed certificate),
// against a server with auth on: puts, multipart puts and gets succeed, stored checksums come back with
// checksum mode, and a body corrupted in flight is refused with nothing stored.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { tempDir } from "../helpers/server.ts";
import { type CorruptingProxy, startCorruptingProxy } from "./corrupting-proxy.ts";
import { type AuthServer, fixture, run, selfSignedCert, withAuthServer } from "./helpers.ts";

const REFUSED = ["BadDigest", "XAmzContentSHA256Mismatch", "SignatureDoesNotMatch", "IncompleteBody"];

for (const scheme of ["http", "https"] as const) {
  describe(scheme, () => {
    let dir: string;
    let cert: { cert: string; key: string } | undefined;
    let server: AuthServer;
    let proxy: CorruptingProxy;
    beforeAll(async () => {
      dir = tempDir("strata-tls-");
      cert = scheme === "https" ? await selfSignedCert(dir) : undefined;
      server = await withAuthServer("cs", cert ? { tlsCert: cert.cert, tlsKey: cert.key } : {});
      const pem = cert && { cert: fs.readFileSync(cert.cert, "utf8"), key: fs.readFileSync(cert.key, "utf8") };
      proxy = await startCorruptingProxy(new URL(server.url), pem);
    });
    afterAll(async () => {
      await proxy.stop();
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test("serves the scheme asked for", () => {
      expect(server.url.startsWith(`${scheme}://`)).toBe(true);
    });

    test("boto3: puts, multipart puts, gets with checksums; corrupted bodies refused", async () => {
      const bucket = `boto.cs`;
      const r = await run("python3", [fixture("client_checksums.py"), server.url, proxy.url, server.tokens.admin, cert?.cert ?? "", bucket]);
      expect(r.stderr).toBe("");
      const report = JSON.parse(r.stdout);
      expect(report.small_roundtrip).toBe(true);
      expect(report.put_checksum).toBe(report.expected_small_crc32);
      expect(report.small_get_checksum).toBe(report.expected_small_crc32);
      expect(report.ranged_checksum).toBeNull();
      expect(report.big_roundtrip).toBe(true);
      expect(report.big_checksum).toMatch(/^[A-Za-z0-9+/]{6}==-3$/);
      expect(report.big_checksum_type).toBe("COMPOSITE");
      expect(report.full_complete_checksum).toBe(report.expected_full_crc32);
      expect(report.full_complete_type).toBe("FULL_OBJECT");
      expect(report.full_roundtrip).toBe(true);
      expect(report.full_get_type).toBe("FULL_OBJECT");
      expect(REFUSED).toContain(report.corrupt_put);
      expect(report.corrupt_put_stored).toBe("404");
      expect(REFUSED).toContain(report.corrupt_part);
      expect(report.corrupt_part_stored).toBe(0);
      expect(proxy.corrupted()).toBeGreaterThanOrEqual(2);
    }, 60_000);

    test("aws CLI: multipart cp up and down, checksum mode; a corrupted cp is refused", async () => {
      const env: Record<string, string> = {
        AWS_ACCESS_KEY_ID: server.tokens.admin,
        AWS_SECRET_ACCESS_KEY: server.tokens.admin,
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_MAX_ATTEMPTS: "1",
        ...(cert ? { AWS_CA_BUNDLE: cert.cert } : {}),
      };
      const aws = (endpoint: string, ...args: string[]) => run("aws", ["--endpoint-url", endpoint, ...args], env);
      const file = path.join(dir, "cli.bin");
      const data = randomBytes(9 * 1024 * 1024);
      fs.writeFileSync(file, data);
      expect((await aws(server.url, "s3", "mb", "s3://cli.cs")).code).toBe(0);
      const up = await aws(server.url, "s3", "cp", file, "s3://cli.cs/cli.bin");
      expect(up.stderr).toBe("");
      expect(up.code).toBe(0);
      const back = path.join(dir, "back.bin");
      expect((await aws(server.url, "s3", "cp", "s3://cli.cs/cli.bin", back)).code).toBe(0);
      expect(fs.readFileSync(back).equals(data)).toBe(true);
      const head = await aws(server.url, "s3api", "head-object", "--bucket", "cli.cs", "--key", "cli.bin", "--checksum-mode", "ENABLED");
      expect(JSON.parse(head.stdout).ChecksumCRC32).toMatch(/-2$/);

      fs.writeFileSync(file, randomBytes(200 * 1024));
      const corrupt = await aws(proxy.url, "s3", "cp", file, "s3://cli.cs/corrupt.bin");
      expect(corrupt.code).not.toBe(0);
      expect(corrupt.stderr).toMatch(new RegExp(REFUSED.join("|")));
      const gone = await aws(server.url, "s3api", "head-object", "--bucket", "cli.cs", "--key", "corrupt.bin");
      expect(gone.stderr).toContain("Not Found");
    }, 60_000);
  });
}
