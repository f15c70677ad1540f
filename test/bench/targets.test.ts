// How targets are found and started.
import { expect, test } from "bun:test";
import { BUILTIN_TARGETS, ceilingTarget, externalTarget, strataTarget } from "../../scripts/bench/targets.ts";

test("a Strata binary that is not there is skipped with a note, never built", async () => {
  const t = strataTarget("/nonexistent/strata");
  expect(await t.prepare()).toContain("/nonexistent/strata does not exist");
});

test("Strata is started as `serve --port P --data-dir D`", () => {
  expect(strataTarget("/x/strata").command!(4321, "/d")).toEqual(["/x/strata", "serve", "--port", "4321", "--data-dir", "/d"]);
});

test("--strata-args go after Strata's own serve flags, and the report's config names them", async () => {
  const t = BUILTIN_TARGETS.strata({ binary: process.execPath, args: ["--memory-limit", "256MiB"] });
  expect(t.command!(4321, "/d")).toEqual([process.execPath, "serve", "--port", "4321", "--data-dir", "/d", "--memory-limit", "256MiB"]);
  expect(await t.prepare()).toBeNull();
  expect(t.config).toContain("--data-dir D --memory-limit 256MiB (compiled binary, --memory-limit 256MiB, otherwise default settings");
});

test("every built-in server binds the given port", () => {
  for (const [name, make] of Object.entries(BUILTIN_TARGETS)) {
    expect({ name, argv: make().command!(4321, "/d").join(" ") }).toEqual({ name, argv: expect.stringContaining("4321") });
  }
});

test("an external endpoint has a URL and no command", () => {
  const t = externalTarget("minio", "http://127.0.0.1:9000/");
  expect(t.url).toBe("http://127.0.0.1:9000");
  expect(t.command).toBeUndefined();
});

test("ceiling-fsync is the ceiling run with --fsync, and says so; the plain ceiling does not sync", () => {
  const plain = ceilingTarget();
  const durable = BUILTIN_TARGETS["ceiling-fsync"]();
  expect(durable.name).toBe("ceiling-fsync");
  expect(durable.command!(1, "/d")).toEqual([...plain.command!(1, "/d"), "--fsync"]);
  expect(durable.config).toContain("fdatasync");
  expect(plain.config).toContain("no fsync");
});
