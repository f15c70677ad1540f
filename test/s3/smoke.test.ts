// The thin path through every layer: create a bucket, put, get, list, read an old version.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";

let server: StrataServer;
beforeAll(async () => {
  server = await withServer();
});
afterAll(() => server.stop());

const call = (method: string, path: string, body?: string) => fetch(`${server.url}${path}`, { method, body });

test("create, put, get, list, versioned read", async () => {
  expect((await call("PUT", "/demo")).status).toBe(200);
  const v1 = await call("PUT", "/demo/dir/a.txt", "one");
  expect(v1.status).toBe(200);
  const commit1 = v1.headers.get("x-amz-version-id")!;
  expect(commit1).toMatch(/^[0-9a-f]{32}$/);
  const v2 = await call("PUT", "/demo/dir/a.txt", "two");
  expect(v2.headers.get("x-amz-version-id")).not.toBe(commit1);

  const got = await call("GET", "/demo/dir/a.txt");
  expect(await got.text()).toBe("two");
  expect(got.headers.get("etag")).toBe(v2.headers.get("etag"));

  const old = await call("GET", `/demo/dir/a.txt?versionId=${commit1}`);
  expect(await old.text()).toBe("one");
  const viaBucket = await call("GET", `/${commit1}.master.demo/dir/a.txt`);
  expect(await viaBucket.text()).toBe("one");

  const list = await (await call("GET", "/demo?list-type=2&delimiter=/")).text();
  expect(list).toContain("<Prefix>dir/</Prefix>");
  const missing = await call("GET", "/demo/nope");
  expect(missing.status).toBe(404);
  expect(await missing.text()).toContain("<Code>NoSuchKey</Code>");
});

test("a commit bucket is read-only", async () => {
  const put = await call("PUT", "/demo/x", "x");
  const commit = put.headers.get("x-amz-version-id");
  const res = await call("PUT", `/${commit}.master.demo/y`, "y");
  expect(res.status).toBe(403);
  expect(await res.text()).toContain("read-only");
});
