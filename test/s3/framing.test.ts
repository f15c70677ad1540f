// Content-Length on every GetObject answer and Date on every answer, from the in-process server (Bun); the
// compiled binary and Deno run the same check in test/cli.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { framingProblems } from "../helpers/framing.ts";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";

let server: StrataServer;
beforeAll(async () => {
  server = await withServer();
});
afterAll(() => server.stop());

test("Bun: GetObject answers (whole, Range, partNumber) have Content-Length, never chunked; every answer has Date", async () => {
  expect(await framingProblems(server.url, "framing")).toEqual([]);
});
