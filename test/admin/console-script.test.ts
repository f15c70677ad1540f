// The console's script is plain JavaScript in strings (client/*.ts, joined by page.ts), so no compiler sees it:
// it must parse, and every page the router names must be defined by one of the modules.
import { expect, test } from "bun:test";
import { CONSOLE_JS } from "../../src/admin/console/page.ts";

test("the console script parses as a whole", () => {
  expect(() => new Function(CONSOLE_JS)).not.toThrow();
});

test("every page the router names is a function of the script", () => {
  const routes = CONSOLE_JS.slice(CONSOLE_JS.indexOf("const ROUTES = {"), CONSOLE_JS.indexOf("};", CONSOLE_JS.indexOf("const ROUTES = {")));
  const pages = [...routes.matchAll(/=> (\w+)\(/g)].map((m) => m[1]);
  expect(pages).toContain("mergePage");
  expect(pages).toContain("tagsPage");
  for (const page of pages) expect(CONSOLE_JS).toContain(`async function ${page}(`);
});
