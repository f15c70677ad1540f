// GetObject's response-* overrides with values a header cannot carry as they are: Content-Disposition gets the
// RFC 6266 §4.3 form (filename*=UTF-8''…, RFC 5987), any other is 400 InvalidArgument; never a 500.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { asciiDisposition } from "../../src/s3/response-overrides.ts";
import type { StrataServer } from "../../src/server.ts";
import { withServer } from "../helpers/server.ts";
import { rawCall } from "../helpers/raw-socket.ts";
import { expectError, http } from "./http.ts";

test("asciiDisposition", () => {
  expect(asciiDisposition('attachment; filename="plain.pdf"')).toBe('attachment; filename="plain.pdf"');
  expect(asciiDisposition('attachment; filename="résumé.pdf"')).toBe(`attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`);
  expect(asciiDisposition("inline; filename=日本.txt; size=3")).toBe(`inline; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt; size=3`);
  expect(asciiDisposition('attachment; filename="it\'s \\"é\\".txt"')).toBe(`attachment; filename="it's ___.txt"; filename*=UTF-8''it%27s%20%22%C3%A9%22.txt`);
});

let server: StrataServer;
beforeAll(async () => {
  server = await withServer();
  await http(server).put("/over", "");
  await http(server).put("/over/doc", "body");
});
afterAll(() => server.stop());

test("a non-ASCII response-content-disposition is sent RFC 6266-encoded", async () => {
  const q = new URLSearchParams({ "response-content-disposition": 'attachment; filename="résumé.pdf"' });
  const res = await rawCall(server.port, `GET /over/doc?${q} HTTP/1.1\r\nHost: 127.0.0.1`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toBe(`attachment; filename="r_sum_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`);
  expect(res.body).toBe("body");
});

test("other overrides with non-ASCII or control characters are 400 InvalidArgument", async () => {
  for (const [name, value] of [["response-content-type", "text/résumé"], ["response-cache-control", "a\u0001b"], ["response-content-language", "日本"], ["response-content-disposition", "inline\u0000"]]) {
    const res = await http(server).call(`/over/doc?${new URLSearchParams({ [name]: value })}`);
    await expectError(res, 400, "InvalidArgument");
  }
});
