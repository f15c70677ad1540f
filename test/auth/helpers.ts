// A server with auth on and one user per role, plus ways to run the real clients against it.
import * as fs from "node:fs";
import * as path from "node:path";
import { AccessControl, type Role } from "../../src/repo/access.ts";
import { VersionedStore } from "../../src/repo/versioned-store.ts";
import { Store } from "../../src/store/store.ts";
import type { ServerConfig } from "../../src/config.ts";
import type { StrataServer } from "../../src/server.ts";
import { run as runProcess } from "../helpers/process.ts";
import { tempDir, withServer } from "../helpers/server.ts";

export interface AuthServer extends StrataServer {
  /** token by role name: admin, none (no role), reader, writer, owner */
  tokens: Record<string, string>;
}

/** Prepares users offline (as `strata auth` would), then serves the data dir with auth on. */
export async function withAuthServer(repo: string, overrides: Partial<ServerConfig> = {}): Promise<AuthServer> {
  const dataDir = tempDir("strata-auth-");
  const store = Store.open(dataDir);
  const access = new AccessControl(store);
  const tokens: Record<string, string> = {};
  tokens.admin = (await access.enable())!.token;
  await new VersionedStore(store).createRepo(repo); // roles are granted in repos that exist
  for (const role of ["none", "reader", "writer", "owner"]) {
    await access.createUser(role);
    if (role !== "none") await access.grant(role, role as Role, repo);
    tokens[role] = (await access.createToken(role)).token;
  }
  await store.close();
  const server = await withServer({ dataDir, auth: true, ...overrides });
  return {
    ...server,
    tokens,
    async stop() {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking the event loop (the server under test lives in this process). */
export async function run(cmd: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  const r = await runProcess(cmd, args, { env: { ...process.env, ...env }, input });
  return { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const fixture = (name: string) => path.join(import.meta.dirname, "fixtures", name);

/** A self-signed certificate for localhost and 127.0.0.1, made by openssl. */
export async function selfSignedCert(dir: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  const r = await run("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
  if (r.code !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}
