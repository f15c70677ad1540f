// `bun scripts/screenshots.ts`: the README's console screenshots, docs/screenshots/*.png. Starts a server on a
// throw-away data dir with a small sample repo ("weather": station CSVs, a month of readings, a merged branch and
// one whose change conflicts with master's), then drives Debian's chromium (test/clients/chromium.ts) through the
// main pages at 1200x800, and a folder at phone width.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { defaultConfig } from "../src/config.ts";
import { startServer, type StrataServer } from "../src/server.ts";
import { chromiumMissing, launchChromium } from "../test/clients/chromium.ts";

const OUT = path.resolve(import.meta.dirname, "../docs/screenshots");
const utf8 = (s: string) => new TextEncoder().encode(s);

/** A month of daily readings for a station, as CSV. */
function readings(station: string, month: number, base: number): string {
  const rows = ["date,station,temp_c,precip_mm,wind_ms"];
  for (let day = 1; day <= 28; day++) {
    const t = base + Math.round(6 * Math.sin((day + month * 3) / 4) * 10) / 10;
    rows.push(`2026-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")},${station},${t.toFixed(1)},${((day * 7 + month) % 13) / 2},${(day % 9) + 1}`);
  }
  return rows.join("\n") + "\n";
}

async function admin(server: StrataServer, method: string, route: string, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}/_strata/${route}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
}

async function sampleRepo(server: StrataServer): Promise<void> {
  const repo = server.repo;
  await admin(server, "POST", "repos", { name: "weather", description: "daily readings of three stations" });
  await admin(server, "POST", "repos", { name: "models" });
  /** One commit on a branch holding the files, by an author, with a message. */
  const commit = async (branch: string, message: string, author: string, files: Record<string, string>) => {
    await repo.startCommit("weather", branch, message, { author });
    for (const [key, text] of Object.entries(files)) await repo.putObject("weather", branch, key, utf8(text), { contentType: key.endsWith(".md") ? "text/markdown" : "text/csv" });
    await repo.finishCommit("weather", branch);
  };
  const stations = (names: string[]) => "station,name,lat,lon,elevation_m\n" + names.join("\n") + "\n";
  const month = (m: number, stationsBase: Array<[string, number]>) =>
    Object.fromEntries(stationsBase.map(([station, base]) => [`readings/2026/${String(m).padStart(2, "0")}/${station}.csv`, readings(station, m, base)]));
  const three: Array<[string, number]> = [["OSL", -3], ["BGO", 2], ["TRD", -5]];
  await commit("master", "Add the stations", "ada", {
    "README.md": "# Weather\n\nDaily readings of three stations, one CSV per station and month.\n",
    "stations.csv": stations(["OSL,Oslo Blindern,59.94,10.72,94", "BGO,Bergen Florida,60.38,5.33,12", "TRD,Trondheim Voll,63.41,10.45,127"]),
  });
  await commit("master", "January readings", "ada", month(1, three));
  await commit("master", "February readings", "ada", month(2, three));
  // A branch that imported March and was merged back: the log's graph has a merge.
  await admin(server, "POST", "branches", { ref: "import.weather", from: "master" });
  await commit("import", "Import March: Oslo", "importer", month(3, [["OSL", 1]]));
  await commit("import", "Import March: Bergen", "importer", month(3, [["BGO", 5]]));
  await commit("master", "Add Tromsø", "ada", {
    "stations.csv": stations(["OSL,Oslo Blindern,59.94,10.72,94", "BGO,Bergen Florida,60.38,5.33,12", "TRD,Trondheim Voll,63.41,10.45,127", "TOS,Tromsø,69.65,18.94,100"]),
  });
  await admin(server, "POST", "branches/master.weather/merge", { from: "import", message: "Merge the March import" });
  await admin(server, "POST", "tags", { ref: "q1.weather", at: "master", message: "first quarter" });
  // A branch fixing station names while master renamed them otherwise: a conflict to show.
  await admin(server, "POST", "branches", { ref: "cleanup.weather", from: "master" });
  await commit("cleanup", "Station names as the met office spells them", "bo", {
    "stations.csv": stations(["OSL,Oslo (Blindern),59.94,10.72,94", "BGO,Bergen (Florida),60.38,5.33,12", "TRD,Trondheim (Voll),63.41,10.45,127", "TOS,Tromsø,69.65,18.94,100"]),
  });
  await commit("cleanup", "Fix Trondheim's January offset", "bo", month(1, [["TRD", -4]]));
  await commit("master", "Tromsø is Langnes", "ada", {
    "stations.csv": stations(["OSL,Oslo - Blindern,59.94,10.72,94", "BGO,Bergen Florida,60.38,5.33,12", "TRD,Trondheim Voll,63.41,10.45,127", "TOS,Tromsø Langnes,69.65,18.94,100"]),
  });
  await repo.putObject("models", "master", "forecast/params.json", utf8('{"horizon_days":7,"features":["temp_c","wind_ms"]}'), { contentType: "application/json" });
  // Some S3 traffic for the dashboard's charts.
  for (let i = 0; i < 40; i++) await fetch(`${server.url}/weather/readings/2026/01/OSL.csv`);
}

async function shoot(page: Page, server: StrataServer, name: string, hash: string, ready: (page: Page) => Promise<unknown>): Promise<void> {
  await page.goto(`${server.url}/_strata/console/${hash}`);
  await ready(page);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log(`docs/screenshots/${name}.png`);
}

if (chromiumMissing("the screenshots")) process.exit(1);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-screenshots-"));
const server = await startServer({ ...defaultConfig(), port: 0, bind: "127.0.0.1", dataDir, quiet: true });
const browser = await launchChromium();
try {
  await sampleRepo(server);
  fs.mkdirSync(OUT, { recursive: true });
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1200, height: 800 });
  await shoot(page, server, "repos", "#/", (p) => p.getByRole("table", { name: "Repos" }).getByText("weather").waitFor());
  await shoot(page, server, "folder", "#/tree/master.weather/readings%2F2026%2F01%2F", (p) => p.getByRole("link", { name: "OSL.csv" }).waitFor());
  await shoot(page, server, "object-csv", "#/object/master.weather/readings%2F2026%2F01%2FOSL.csv", (p) => p.getByRole("region", { name: "Preview" }).getByRole("cell").first().waitFor());
  await shoot(page, server, "log", "#/log/weather", (p) => p.getByText("Merge the March import").waitFor());
  await shoot(page, server, "compare", "#/compare/weather?from=master.weather&to=cleanup.weather", async (p) => {
    await p.getByRole("button", { name: "Show diff" }).first().click();
    await p.getByRole("table", { name: /^Diff of / }).waitFor();
  });
  await shoot(page, server, "merge-conflict", "#/merge/weather?from=cleanup&into=master", async (p) => {
    await p.getByRole("button", { name: "Compare both sides of stations.csv" }).click();
    await p.getByRole("table", { name: "Diff of stations.csv" }).waitFor();
  });
  await shoot(page, server, "dashboard", "#/dashboard", (p) => p.locator("#dedup").waitFor());
  await page.setViewportSize({ width: 390, height: 760 });
  await shoot(page, server, "phone-folder", "#/tree/master.weather/readings%2F2026%2F01%2F", (p) => p.getByRole("link", { name: "OSL.csv" }).waitFor());
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
