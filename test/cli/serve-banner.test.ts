// The line `strata serve` starts with: its hint must run as pasted on a machine with no AWS keys, and it names the
// ETag mode (s3cmd needs md5).
import { expect, test } from "bun:test";
import { listeningBanner } from "../../src/serve-command.ts";

const base = { url: "http://127.0.0.1:30600", bind: "127.0.0.1", data: "/d", etag: "sha256", hashEngine: "native" };

test.each([
  [{ ...base, auth: false }, "auth off, data: /d, ETags: sha256, sha256: native) — try: aws --endpoint-url http://127.0.0.1:30600 --no-sign-request s3 ls"],
  [{ ...base, auth: false, etag: "md5" }, "ETags: md5"],
  [{ ...base, auth: true }, "auth on, data: /d, ETags: sha256, sha256: native) — try: aws --endpoint-url http://127.0.0.1:30600 s3 ls (with a token as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"],
])("banner %#", (server, expected) => {
  const line = listeningBanner(server);
  expect(line).toStartWith("Strata listening on http://127.0.0.1:30600 (bind 127.0.0.1, auth ");
  expect(line).toContain(expected);
  // Unsigned requests are refused once auth is on: the hint must not suggest one then.
  expect(line.includes("--no-sign-request")).toBe(!server.auth);
});
