// Starts a Strata server in this process on a free port with its own temporary data dir.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultConfig, type ServerConfig } from "../../src/config.ts";
import { startServer, type StrataServer } from "../../src/server.ts";

export async function withServer(overrides: Partial<ServerConfig> = {}): Promise<StrataServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-test-"));
  const server = await startServer({ ...defaultConfig(), port: 0, bind: "127.0.0.1", dataDir, quiet: true, ...overrides });
  const stop = server.stop.bind(server);
  return {
    ...server,
    async stop() {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function tempDir(prefix = "strata-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
