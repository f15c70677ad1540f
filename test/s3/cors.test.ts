// CORS as S3 does it (AWS: "Using cross-origin resource sharing (CORS)", PutBucketCors / GetBucketCors /
// DeleteBucketCors API references): configuration per branch bucket, preflights, headers on answers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CORS_NOT_ALLOWED, CORS_VARY, matchCors, parseCorsConfiguration, wildcardMatch } from "../../src/s3/cors.ts";
import { parseXml } from "../../src/s3/xml.ts";
import type { StrataServer } from "../../src/server.ts";
import * as fs from "node:fs";
import { tempDir, withServer } from "../helpers/server.ts";
import { expectError, http, list, type S3Http } from "./http.ts";

const ORIGIN = "https://app.example.com";
const CONFIG = `<CORSConfiguration>
  <CORSRule><ID>site</ID><AllowedOrigin>https://*.example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>content-type</AllowedHeader><ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-version-id</ExposeHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>
  <CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod></CORSRule>
</CORSConfiguration>`;
const SITE = {
  "access-control-allow-origin": ORIGIN,
  "access-control-allow-methods": "GET, PUT",
  "access-control-expose-headers": "ETag, x-amz-version-id",
  "access-control-max-age": "600",
  "access-control-allow-credentials": "true",
  vary: CORS_VARY,
};
const EVERYONE = { "access-control-allow-origin": "*", "access-control-allow-methods": "HEAD", vary: CORS_VARY };

let server: StrataServer;
let s3: S3Http;
beforeAll(async () => {
  server = await withServer();
  s3 = http(server);
  for (const b of ["site", "nocors"]) expect((await s3.call(`/${b}`, { method: "PUT" })).status).toBe(200);
  await s3.put("/site/key", "data");
});
afterAll(() => server.stop());

function corsOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name.startsWith("access-control-") || name === "vary") out[name] = value;
  });
  return out;
}

async function cross(method: string, path: string, origin?: string, requestMethod?: string, requestHeaders?: string) {
  const headers: Record<string, string> = {};
  if (origin !== undefined) headers.origin = origin;
  if (requestMethod !== undefined) headers["access-control-request-method"] = requestMethod;
  if (requestHeaders !== undefined) headers["access-control-request-headers"] = requestHeaders;
  const res = await s3.call(path, { method, headers });
  const text = await res.text();
  const error = text.startsWith("<?xml") ? parseXml(text)?.Error as Record<string, string> | undefined : undefined;
  return { status: res.status, cors: corsOf(res), code: error?.Code, message: error?.Message, body: error ? undefined : text, error };
}

describe("rules (pure)", () => {
  test("wildcards: at most one '*', matching any run of characters", () => {
    const cases: [string, string, boolean][] = [
      ["*", "null", true],
      ["https://*.example.com", "https://app.example.com", true],
      ["https://*.example.com", "https://example.com", false],
      ["http://localhost:*", "http://localhost:5173", true],
      ["https://a.com", "https://a.com", true],
      ["https://a.com", "https://a.com.evil", false],
      ["x-amz-*", "x-amz-meta-name", true],
    ];
    for (const [pattern, value, want] of cases) expect([pattern, value, wildcardMatch(pattern, value)]).toEqual([pattern, value, want]);
  });

  test("the first rule allowing origin, method and every requested header wins", () => {
    const rules = parseCorsConfiguration(parseXml(CONFIG));
    expect(matchCors(rules, { origin: ORIGIN, method: "PUT", headers: ["content-type", "x-amz-meta-a"] })?.rule.id).toBe("site");
    expect(matchCors(rules, { origin: ORIGIN, method: "PUT", headers: ["authorization"] })).toBeUndefined();
    expect(matchCors(rules, { origin: ORIGIN, method: "HEAD", headers: [] })?.origin).toBe("*");
    expect(matchCors(rules, { origin: ORIGIN, method: "DELETE", headers: [] })).toBeUndefined();
  });

  test("configurations S3 refuses", () => {
    const bad = (xml: string) => {
      try {
        parseCorsConfiguration(parseXml(xml));
        return "accepted";
      } catch (err) {
        return `${(err as { code: string }).code}: ${(err as Error).message}`;
      }
    };
    expect(bad("<CORSConfiguration></CORSConfiguration>")).toStartWith("MalformedXML");
    expect(bad("<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>")).toStartWith("MalformedXML");
    expect(bad("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>")).toBe(
      "InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is PATCH",
    );
    expect(bad("<CORSConfiguration><CORSRule><AllowedOrigin>*.*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>")).toBe(
      'InvalidRequest: AllowedOrigin "*.*" can not have more than one wildcard.',
    );
    expect(bad("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>x</MaxAgeSeconds></CORSRule></CORSConfiguration>")).toStartWith("MalformedXML");
  });
});

describe("PutBucketCors, GetBucketCors, DeleteBucketCors", () => {
  test("unset: 404 NoSuchCORSConfiguration; put, get back, delete", async () => {
    const missing = await expectError(await s3.call("/site?cors"), 404, "NoSuchCORSConfiguration");
    expect(missing).toContain("The CORS configuration does not exist");
    expect(missing).toContain("<BucketName>site</BucketName>");
    expect((await s3.call("/site?cors", { method: "PUT", body: CONFIG })).status).toBe(200);
    const { doc } = await s3.xml("/site?cors");
    const rules = list(doc.CORSConfiguration.CORSRule);
    expect(rules[0]).toEqual({
      ID: "site",
      AllowedHeader: ["x-amz-*", "content-type"],
      AllowedMethod: ["GET", "PUT"],
      AllowedOrigin: "https://*.example.com",
      ExposeHeader: ["ETag", "x-amz-version-id"],
      MaxAgeSeconds: "600",
    });
    expect(rules[1]).toEqual({ AllowedMethod: "HEAD", AllowedOrigin: "*" });
    // the same rules under the branch's other name, and for its commit buckets
    expect((await s3.xml("/master.site?cors")).doc.CORSConfiguration.CORSRule).toHaveLength(2);
    await expectError(await s3.call("/site?cors", { method: "PUT", body: "" }), 400, "MissingRequestBodyError");
    await expectError(await s3.call("/site?cors", { method: "PUT", body: "<nope" }), 400, "MalformedXML");
    expect((await s3.xml("/site?cors")).doc.CORSConfiguration.CORSRule).toHaveLength(2); // refusals changed nothing
  });

  test("a commit bucket is read-only: its branch's rules apply, PutBucketCors is denied", async () => {
    const version = (await s3.call("/site/key", { method: "HEAD" })).headers.get("x-amz-version-id")!;
    await expectError(await s3.call(`/${version}.master.site?cors`, { method: "PUT", body: CONFIG }), 403, "AccessDenied");
    const r = await cross("GET", `/${version}.master.site/key`, ORIGIN);
    expect([r.status, r.cors, r.body]).toEqual([200, SITE, "data"]);
  });
});

describe("preflight (OPTIONS), answered without credentials", () => {
  test("each case as S3 answers it", async () => {
    await s3.call("/site?cors", { method: "PUT", body: CONFIG });
    const forbidden = (message: string, method: string, type: string) => [403, {}, "AccessForbidden", message, method, type];
    const cases: [string, (string | undefined)[], unknown[]][] = [
      ["/site", [ORIGIN, "GET"], [200, SITE, undefined, undefined, undefined, undefined]],
      ["/site/key", [ORIGIN, "PUT", "Content-Type, X-Amz-Meta-Name"], [200, { ...SITE, "access-control-allow-headers": "content-type, x-amz-meta-name" }, undefined, undefined, undefined, undefined]],
      // the presigned URL a preflight carries signs the PUT that follows, not the preflight
      ["/site/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=k%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00", [ORIGIN, "PUT"], [200, SITE, undefined, undefined, undefined, undefined]],
      ["/site/no/such/key", ["null", "HEAD"], [200, EVERYONE, undefined, undefined, undefined, undefined]],
      ["/site/key", [ORIGIN, "DELETE"], forbidden(CORS_NOT_ALLOWED, "DELETE", "OBJECT")],
      ["/site", ["https://example.org", "GET"], forbidden(CORS_NOT_ALLOWED, "GET", "BUCKET")],
      ["/site/key", [ORIGIN, "GET", "authorization"], forbidden(CORS_NOT_ALLOWED, "GET", "OBJECT")],
      ["/nocors/key", [ORIGIN, "GET"], forbidden("CORSResponse: CORS is not enabled for this bucket.", "GET", "OBJECT")],
      ["/missing/key", [ORIGIN, "GET"], forbidden("CORSResponse: Bucket not found", "GET", "OBJECT")],
    ];
    for (const [path, [origin, method, headers], want] of cases) {
      const r = await cross("OPTIONS", path, origin, method, headers);
      expect([path, r.status, r.cors, r.code, r.message, r.error?.Method, r.error?.ResourceType] as unknown[]).toEqual([path, ...want]);
    }
    const noOrigin = await cross("OPTIONS", "/site/key", undefined, "GET");
    expect([noOrigin.status, noOrigin.code, noOrigin.message]).toEqual([400, "BadRequest", "Insufficient information. Origin request header needed."]);
    const noMethod = await cross("OPTIONS", "/site/key", ORIGIN);
    expect([noMethod.status, noMethod.message]).toEqual([400, "Invalid Access-Control-Request-Method: null"]);
    const patch = await cross("OPTIONS", "/site/key", ORIGIN, "PATCH");
    expect([patch.status, patch.message]).toEqual([400, "Invalid Access-Control-Request-Method: PATCH"]);
  });
});

describe("answers to requests with Origin", () => {
  test("matching answers carry the rule's headers, errors included; others carry none", async () => {
    await s3.call("/site?cors", { method: "PUT", body: CONFIG });
    const cases: [string, string, (string | undefined)[], number, Record<string, string>][] = [
      ["GET", "/site/key", [ORIGIN], 200, SITE],
      ["HEAD", "/site/key", ["https://example.org"], 200, EVERYONE],
      ["GET", "/site/key", ["https://example.org"], 200, {}],
      ["GET", "/site/key", [], 200, {}],
      ["GET", "/site/missing-key", [ORIGIN], 404, SITE],
      ["DELETE", "/site/missing-key", [ORIGIN], 204, {}],
      // S3 judges by Access-Control-Request-Method when a request carries it
      ["GET", "/site/key", [ORIGIN, "DELETE"], 200, {}],
      ["GET", "/nocors", [ORIGIN], 200, {}],
    ];
    for (const [method, path, [origin, requestMethod], status, cors] of cases) {
      const r = await cross(method, path, origin, requestMethod);
      expect([method, path, origin, r.status, r.cors]).toEqual([method, path, origin, status, cors]);
    }
  });

  test("DeleteBucketCors removes the rules (204, also when there were none)", async () => {
    expect((await s3.call("/site?cors", { method: "DELETE" })).status).toBe(204);
    expect((await s3.call("/site?cors", { method: "DELETE" })).status).toBe(204);
    await expectError(await s3.call("/site?cors"), 404, "NoSuchCORSConfiguration");
    expect((await cross("GET", "/site/key", ORIGIN)).cors).toEqual({});
  });
});

describe("strata serve --cors-origin: a default rule for buckets without their own", () => {
  test("every method and header for the given origins, bucket rules win, durable across restarts", async () => {
    const dev = await withServer({ corsOrigins: ["http://localhost:5173"] });
    try {
      const d = http(dev);
      await d.call("/app", { method: "PUT" });
      const pre = await d.call("/app/k", { method: "OPTIONS", headers: { origin: "http://localhost:5173", "access-control-request-method": "PUT", "access-control-request-headers": "x-amz-date, authorization" } });
      expect(pre.status).toBe(200);
      expect(pre.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
      expect(pre.headers.get("access-control-allow-headers")).toBe("x-amz-date, authorization");
      expect((await d.call("/app/k", { method: "OPTIONS", headers: { origin: "http://evil", "access-control-request-method": "GET" } })).status).toBe(403);
      const listed = await d.call("/", { headers: { origin: "http://localhost:5173" } });
      expect(listed.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
      await d.call("/app?cors", { method: "PUT", body: CONFIG });
      expect((await d.call("/app/k", { method: "OPTIONS", headers: { origin: "http://localhost:5173", "access-control-request-method": "GET" } })).status).toBe(403);
    } finally {
      await dev.stop();
    }
  });

  test("a branch's rules are kept across a restart and go with the branch", async () => {
    const dataDir = tempDir();
    const first = await withServer({ dataDir });
    await http(first).call("/keep", { method: "PUT" });
    expect((await http(first).call("/keep?cors", { method: "PUT", body: CONFIG })).status).toBe(200);
    await first.stop();
    const second = await withServer({ dataDir });
    try {
      const h = http(second);
      expect(list((await h.xml("/keep?cors")).doc.CORSConfiguration.CORSRule)).toHaveLength(2);
      expect((await h.call("/keep", { method: "DELETE" })).status).toBe(204);
      expect((await h.call("/keep", { method: "PUT" })).status).toBe(200);
      await expectError(await h.call("/keep?cors"), 404, "NoSuchCORSConfiguration");
    } finally {
      await second.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
