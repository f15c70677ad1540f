// S3 keys are literal (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html: "." and ".." are
// valid key characters, and the console warns only because browsers resolve them): no dot-segment removal, no
// `\` turned into `/`, `%2e` kept as a dot. A path that does not decode to UTF-8 is InvalidURI, never U+FFFD.
// Raw sockets, because every HTTP client library normalises such paths before they leave.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { rawCall } from "../helpers/raw-socket.ts";

let server: StrataServer;
let host: string;
const call = (line: string, body = "", headers = "") => rawCall(server.port, `${line} HTTP/1.1\r\nHost: ${host}${headers}`, body);

beforeAll(async () => {
  server = await withServer();
  host = `127.0.0.1:${server.port}`;
  expect((await call("PUT /photos")).status).toBe(200);
  expect((await call("PUT /photos/k3", "original")).status).toBe(200);
});
afterAll(() => server.stop());

// [path as sent, the key it names]
const LITERAL: Array<[string, string]> = [
  ["/photos/x/../k3", "x/../k3"],
  ["/photos/y/%2e%2e/k3", "y/../k3"],
  ["/photos/y/%2E%2e/k3", "y/../k3"],
  ["/photos/./k3", "./k3"],
  ["/photos/../k3", "../k3"],
  ["/photos/a\\b", "a\\b"],
  ["/photos/dir//x/.", "dir//x/."],
];

test("unsigned PUTs with . and .. segments write the literal key, never another one", async () => {
  for (const [path, key] of LITERAL) {
    const put = await call(`PUT ${path}`, `body of ${key}`);
    expect(put.status, path).toBe(200);
    const got = await call(`GET ${path}`);
    expect(got.body, path).toBe(`body of ${key}`);
  }
  expect((await call("GET /photos/k3")).body).toBe("original");
  const listing = (await call("GET /photos?list-type=2")).body;
  const keys = [...listing.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
  expect(keys.sort()).toEqual([...new Set([...LITERAL.map(([, key]) => key), "k3"])].sort());
});

test("a key is deleted by its literal path only", async () => {
  expect((await call("PUT /photos/z/../gone", "z")).status).toBe(200);
  expect((await call("DELETE /photos/gone")).status).toBe(204);
  expect((await call("GET /photos/z/../gone")).body).toBe("z");
  expect((await call("DELETE /photos/z/%2e%2e/gone")).status).toBe(204);
  expect((await call("GET /photos/z/../gone")).status).toBe(404);
});

test("a path that does not decode to UTF-8 is 400 InvalidURI and stores nothing", async () => {
  for (const path of ["/photos/bad%ff", "/photos/bad%c3%28", "/photos/bad%e2%82", "/photos/%80", "/pho%fftos/k"]) {
    const put = await call(`PUT ${path}`, "x");
    expect(put.status, path).toBe(400);
    expect(put.body, path).toContain("<Code>InvalidURI</Code>");
  }
  expect((await call("GET /photos?list-type=2")).body).not.toContain("bad");
});

test("the server's own routes match the path as sent: dot segments never reach them", async () => {
  const health = await call("GET /xyz/../healthz");
  expect(health.body).not.toBe("ok\n");
  expect(health.body).toContain("<Code>NoSuchBucket</Code>");
  const admin = await call("GET /xyz/../_strata/repos");
  expect(admin.headers.get("content-type")).toBe("application/xml");
  expect(admin.body).toContain("<Code>NoSuchBucket</Code>");
  expect((await call("GET /_strata/healthz")).body).toBe("ok\n");
});

test("a target in absolute form addresses the path it carries", async () => {
  const got = await call(`GET http://${host}/photos/x/../k3`);
  expect(got.body).toBe("body of x/../k3");
});
