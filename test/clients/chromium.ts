// Debian's chromium driven by playwright-core, for the browser tests: one launcher, so every test starts the
// browser the same way (headless, no sandbox in CI containers, nothing that reaches the network by itself).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** True (after a loud warning naming `what`) when chromium is missing, so the caller can skip its tests. */
export function chromiumMissing(what: string): boolean {
  if (fs.existsSync(CHROMIUM)) return false;
  console.warn(`\n!!!!! SKIPPED: ${CHROMIUM} is not installed; ${what} did not run (scripts/install-clients.sh installs it) !!!!!\n`);
  return true;
}

export interface Browser {
  context: BrowserContext;
  /** Closes the browser and removes its throw-away profile. */
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile in a temporary folder. */
export async function launchChromium(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "strata-chromium-"));
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
