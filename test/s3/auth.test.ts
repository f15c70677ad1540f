// Signatures made by signers we did not write (smithy, the JS SDK, botocore, the aws CLI) must verify;
// tampered, expired, skewed and unknown-key requests must not.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";
import { SignatureV4 } from "@smithy/signature-v4";
import { authenticate } from "../../src/s3/auth/authenticate.ts";
import { ANY_CREDENTIALS, type AuthOptions, type AuthResult, type RequestView } from "../../src/s3/auth/types.ts";
import { S3Error } from "../../src/s3/errors.ts";
import { botocoreSign, viewOfSmithy, viewOfUrl } from "./signed-requests.ts";

const ACCESS = "AKIDSTRATATEST";
const SECRET = "strata/secret+key=";
const ENDPOINT = "http://localhost:39123";
const secretFor = (key: string) => (key === ACCESS ? SECRET : undefined);
const T0 = Date.UTC(2024, 4, 17, 12, 0, 0);
const MIN = 60_000;

/** Keys clients have trouble with: spaces, +, %, unicode, //, leading /, reserved and sub-delimiter chars. */
const KEYS = [
  "plain.txt",
  "a b/c d.txt",
  "plus+sign",
  "100% sure",
  "ünïcödé/ключ/日本語",
  "dir//double",
  "/leading",
  "tilde~star*(paren)!'",
  "q?mark#hash",
  "eq=amp&semi;colon:at@comma,dollar$",
];

async function rejects(p: Promise<unknown>): Promise<S3Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3Error) return e;
    throw e;
  }
  throw new Error("expected the request to be refused");
}

function expectSigned(r: AuthResult, scheme: string, accessKey = ACCESS) {
  expect(r.kind).toBe("signed");
  if (r.kind === "signed") {
    expect(r.scheme).toBe(scheme as never);
    expect(r.accessKey).toBe(accessKey);
  }
}

const withHeader = (v: RequestView, name: string, value: string): RequestView => {
  const headers = new Headers(v.headers);
  headers.set(name, value);
  return { ...v, headers };
};

describe("no signature", () => {
  test("is anonymous", async () => {
    expect(await authenticate(viewOfUrl("GET", `${ENDPOINT}/b/k`), { secretFor })).toEqual({ kind: "anonymous" });
  });
});

const signer = new SignatureV4({
  credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET },
  region: "eu-central-1", // any region is accepted
  service: "s3",
  sha256: Sha256,
  uriEscapePath: false, // S3 signs the path as sent, encoded once
  applyChecksum: true,
});
const request = (path: string, query: Record<string, string> = {}) =>
  new HttpRequest({
    method: "PUT",
    protocol: "http:",
    hostname: "localhost",
    port: 39123,
    path,
    query,
    headers: { host: "localhost:39123", "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-meta-note": "  two  spaces " },
  });

describe("@smithy/signature-v4 with a fixed clock", () => {
  const encodedPath = (key: string) => "/bucket/" + key.split("/").map(encodeURIComponent).join("/").replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

  test("header signatures verify, with the signing context for chunk signatures", async () => {
    for (const key of KEYS) {
      const signed = await signer.sign(request(encodedPath(key), { partNumber: "2", uploadId: "a+b/c=" }), { signingDate: new Date(T0) });
      const r = await authenticate(viewOfSmithy(signed as HttpRequest), { secretFor, now: T0 + 5 * MIN });
      expectSigned(r, "v4-header");
      if (r.kind === "signed" && r.scheme === "v4-header") {
        expect(r.v4!.scope).toBe("20240517/eu-central-1/s3/aws4_request");
        expect(r.v4!.amzDate).toBe("20240517T120000Z");
        expect(signed.headers.authorization).toContain(`Signature=${r.v4!.seedSignature}`);
      }
    }
  });

  test("tampering with path, query, a signed header or the key is refused", async () => {
    const signed = (await signer.sign(request("/bucket/a%20b", { versionId: "1" }), { signingDate: new Date(T0) })) as HttpRequest;
    const view = viewOfSmithy(signed);
    const opts: AuthOptions = { secretFor, now: T0 };
    expect((await rejects(authenticate({ ...view, rawPath: "/bucket/a%20c" }, opts))).code).toBe("SignatureDoesNotMatch");
    expect((await rejects(authenticate({ ...view, rawQuery: "versionId=2" }, opts))).code).toBe("SignatureDoesNotMatch");
    expect((await rejects(authenticate({ ...view, method: "DELETE" }, opts))).code).toBe("SignatureDoesNotMatch");
    expect((await rejects(authenticate(withHeader(view, "x-amz-meta-note", "other"), opts))).code).toBe("SignatureDoesNotMatch");
    expect((await rejects(authenticate(withHeader(view, "x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), opts))).code).toBe("SignatureDoesNotMatch");
    expect((await rejects(authenticate(view, { secretFor: () => "wrong", now: T0 }))).code).toBe("SignatureDoesNotMatch");
    expect((await rejects(authenticate(view, { secretFor: () => undefined, now: T0 }))).code).toBe("InvalidAccessKeyId");
  });

  // AWS's signers hash the canonical request as UTF-8; runtimes hand header values over a character per byte.
  test("non-ASCII header values verify as the bytes the client sent: UTF-8, or Latin-1 as fetch sends them", async () => {
    const META = { "x-amz-meta-name": "résumé ☃", "x-amz-meta-nbsp": "à\u00a0la  carte", "x-amz-meta-cjk": " 日本語 " };
    const unsigned = request("/bucket/k");
    Object.assign(unsigned.headers, META);
    const signed = (await signer.sign(unsigned, { signingDate: new Date(T0) })) as HttpRequest;
    const onWire = (value: string, latin1 = false) => String.fromCharCode(...(latin1 ? [...value].map((c) => c.charCodeAt(0)) : new TextEncoder().encode(value)));
    const wire = (latin1: boolean, tamper?: string) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(signed.headers)) headers.set(name, onWire(name === tamper ? value + "!" : value, latin1 && !/[^\x00-\xff]/.test(value)));
      if (!headers.has("host")) headers.set("host", "localhost:39123");
      return { method: "PUT", rawPath: "/bucket/k", rawQuery: "", headers };
    };
    expectSigned(await authenticate(wire(false), { secretFor, now: T0 }), "v4-header");
    expectSigned(await authenticate(wire(true), { secretFor, now: T0 }), "v4-header");
    for (const name of Object.keys(META)) expect((await rejects(authenticate(wire(false, name), { secretFor, now: T0 }))).code).toBe("SignatureDoesNotMatch");
  });

  test("clock skew beyond 15 minutes is refused either way", async () => {
    const view = viewOfSmithy((await signer.sign(request("/bucket/k"), { signingDate: new Date(T0) })) as HttpRequest);
    expectSigned(await authenticate(view, { secretFor, now: T0 + 14 * MIN }), "v4-header");
    expectSigned(await authenticate(view, { secretFor, now: T0 - 14 * MIN }), "v4-header");
    expect((await rejects(authenticate(view, { secretFor, now: T0 + 16 * MIN }))).code).toBe("RequestTimeTooSkewed");
    expect((await rejects(authenticate(view, { secretFor, now: T0 - 16 * MIN }))).code).toBe("RequestTimeTooSkewed");
  });

  test("presigned URLs verify until they expire", async () => {
    for (const key of KEYS) {
      const presigned = (await signer.presign(request(encodedPath(key), { "response-content-type": "text/plain; x=y" }), {
        signingDate: new Date(T0),
        expiresIn: 3600,
      })) as HttpRequest;
      const view = viewOfSmithy(presigned);
      view.headers.delete("x-amz-content-sha256"); // a browser following the URL sends no such header
      expectSigned(await authenticate(view, { secretFor, now: T0 + 59 * MIN }), "v4-query");
      const expired = await rejects(authenticate(view, { secretFor, now: T0 + 61 * MIN }));
      expect([expired.code, expired.message]).toEqual(["AccessDenied", "Request has expired"]);
      // Skew does not apply to presigned URLs: only their expiry does.
    }
  });

  test("presigned: tampered, over a week, or from the future", async () => {
    const presigned = (await signer.presign(request("/bucket/k"), { signingDate: new Date(T0), expiresIn: 600 })) as HttpRequest;
    const view = viewOfSmithy(presigned);
    view.headers.delete("x-amz-content-sha256");
    const opts = { secretFor, now: T0 };
    expect((await rejects(authenticate({ ...view, rawPath: "/bucket/k2" }, opts))).code).toBe("SignatureDoesNotMatch");
    const longer = view.rawQuery.replace("X-Amz-Expires=600", "X-Amz-Expires=6000");
    expect((await rejects(authenticate({ ...view, rawQuery: longer }, opts))).code).toBe("SignatureDoesNotMatch");
    const week = view.rawQuery.replace("X-Amz-Expires=600", "X-Amz-Expires=604801");
    expect((await rejects(authenticate({ ...view, rawQuery: week }, opts))).code).toBe("AuthorizationQueryParametersError");
    const early = await rejects(authenticate(view, { secretFor, now: T0 - 20 * MIN }));
    expect(early.code).toBe("AccessDenied");
    const both = withHeader(view, "authorization", `AWS ${ACCESS}:x`);
    expect((await rejects(authenticate(both, opts))).code).toBe("InvalidArgument");
  });
});

describe("@aws-sdk/client-s3 requests and presigned URLs", () => {
  const client = (forcePathStyle: boolean, sink: HttpRequest[]) =>
    new S3Client({
      endpoint: ENDPOINT,
      region: "us-east-1",
      forcePathStyle,
      credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET },
      requestHandler: {
        handle: async (req: HttpRequest) => {
          sink.push(req);
          throw new Error("captured");
        },
      } as never,
    });

  async function capture(forcePathStyle: boolean, command: object): Promise<HttpRequest> {
    const sink: HttpRequest[] = [];
    await client(forcePathStyle, sink).send(command as never).catch(() => {});
    expect(sink.length).toBeGreaterThan(0);
    return sink[0];
  }

  test("PutObject, GetObject, ListObjectsV2 verify, path and virtual-hosted style", async () => {
    for (const key of KEYS) {
      for (const pathStyle of [true, false]) {
        const put = await capture(pathStyle, new PutObjectCommand({ Bucket: "master.repo", Key: key, Body: "hello", ContentType: "text/plain" }));
        expectSigned(await authenticate(viewOfSmithy(put), { secretFor }), "v4-header");
        const get = await capture(pathStyle, new GetObjectCommand({ Bucket: "master.repo", Key: key, Range: "bytes=0-1" }));
        expectSigned(await authenticate(viewOfSmithy(get), { secretFor }), "v4-header");
      }
      const list = await capture(true, new ListObjectsV2Command({ Bucket: "master.repo", Prefix: key, Delimiter: "/", StartAfter: key }));
      expectSigned(await authenticate(viewOfSmithy(list), { secretFor }), "v4-header");
    }
  });

  test("getSignedUrl (s3-request-presigner) GET and PUT URLs verify and expire", async () => {
    const s3 = client(true, []);
    for (const key of KEYS) {
      const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "master.repo", Key: key, ResponseContentDisposition: 'attachment; filename="x y.txt"' }), { expiresIn: 900 });
      const now = Date.now();
      expectSigned(await authenticate(viewOfUrl("GET", get), { secretFor, now }), "v4-query");
      expect((await rejects(authenticate(viewOfUrl("GET", get), { secretFor, now: now + 16 * MIN }))).message).toBe("Request has expired");
      const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "master.repo", Key: key }), { expiresIn: 60 });
      expectSigned(await authenticate(viewOfUrl("PUT", put), { secretFor }), "v4-query");
      expect((await rejects(authenticate(viewOfUrl("GET", put), { secretFor }))).code).toBe("SignatureDoesNotMatch");
    }
  });
});

describe("auth off: any credentials", () => {
  // Auth off accepts any key pair (a user's real AWS keys included), but not stale or expired requests.
  const any: AuthOptions = { ...ANY_CREDENTIALS, now: T0 };

  test("a SigV4 request signed with any secret passes; skew still holds", async () => {
    const view = viewOfSmithy((await signer.sign(request("/bucket/k"), { signingDate: new Date(T0) })) as HttpRequest);
    expectSigned(await authenticate(view, any), "v4-header");
    expectSigned(await authenticate(withHeader(view, "x-amz-meta-note", "tampered"), any), "v4-header");
    expect((await rejects(authenticate(view, { ...ANY_CREDENTIALS, now: T0 + 16 * MIN }))).code).toBe("RequestTimeTooSkewed");
    const r = await authenticate(view, any);
    expect(r.kind === "signed" && r.scheme === "v4-header" && r.v4).toBe(undefined);
  });

  test("presigned URLs with any secret pass until they expire; malformed ones are still refused", async () => {
    const presigned = (await signer.presign(request("/bucket/k"), { signingDate: new Date(T0), expiresIn: 600 })) as HttpRequest;
    const view = viewOfSmithy(presigned);
    view.headers.delete("x-amz-content-sha256");
    expectSigned(await authenticate(view, any), "v4-query");
    const expired = await rejects(authenticate(view, { ...ANY_CREDENTIALS, now: T0 + 11 * MIN }));
    expect([expired.code, expired.message]).toEqual(["AccessDenied", "Request has expired"]);
    expect((await rejects(authenticate(view, { ...ANY_CREDENTIALS, now: T0 - 20 * MIN }))).code).toBe("AccessDenied");
    const week = view.rawQuery.replace("X-Amz-Expires=600", "X-Amz-Expires=604801");
    expect((await rejects(authenticate({ ...view, rawQuery: week }, any))).code).toBe("AuthorizationQueryParametersError");
  });

  test("SigV2 headers and presigned URLs with any secret pass; expiry and skew still hold", async () => {
    const cases = [
      { signature: "s3" as const, op: "get_object", params: { Bucket: "master.repo", Key: "k" } },
      { signature: "s3" as const, op: "get_object", params: { Bucket: "master.repo", Key: "k" }, presign: true, expires: 300 },
    ];
    const [header, query] = botocoreSign(ENDPOINT, "AKIAREALLOOKINGKEY12", "some/other+secret", cases);
    const hv = viewOfUrl(header.method, header.url, header.headers);
    expectSigned(await authenticate(hv, ANY_CREDENTIALS), "v2-header", "AKIAREALLOOKINGKEY12");
    expect((await rejects(authenticate(hv, { ...ANY_CREDENTIALS, now: Date.now() + 16 * MIN }))).code).toBe("RequestTimeTooSkewed");
    const qv = viewOfUrl("GET", query.url);
    expectSigned(await authenticate(qv, ANY_CREDENTIALS), "v2-query", "AKIAREALLOOKINGKEY12");
    expect((await rejects(authenticate(qv, { ...ANY_CREDENTIALS, now: Date.now() + 6 * MIN }))).message).toBe("Request has expired");
  });
});

describe("botocore", () => {
  const BUCKET = "master.repo";
  const cases = KEYS.flatMap((key) => [
    { signature: "s3v4" as const, op: "put_object", params: { Bucket: BUCKET, Key: key, Body: "data", ContentType: "text/plain", Metadata: { a: "b" } } },
    { signature: "s3v4" as const, op: "get_object", params: { Bucket: BUCKET, Key: key, VersionId: "v1" } },
    { signature: "s3v4" as const, op: "list_objects_v2", params: { Bucket: BUCKET, Prefix: key, Delimiter: "/" }, region: "ap-south-1" },
    { signature: "s3" as const, op: "put_object", params: { Bucket: BUCKET, Key: key, Body: "data", ContentType: "text/plain", Metadata: { a: "b" } } },
    { signature: "s3" as const, op: "get_object", params: { Bucket: BUCKET, Key: key, VersionId: "v1", ResponseContentType: "a/b" } },
    { signature: "s3" as const, op: "list_objects", params: { Bucket: BUCKET, Prefix: key } },
    { signature: "s3v4" as const, op: "get_object", params: { Bucket: BUCKET, Key: key }, presign: true, expires: 300 },
    { signature: "s3" as const, op: "get_object", params: { Bucket: BUCKET, Key: key }, presign: true, expires: 300 },
    { signature: "s3" as const, op: "put_object", params: { Bucket: BUCKET, Key: key }, presign: true, method: "PUT" },
  ]);
  const signed = botocoreSign(ENDPOINT, ACCESS, SECRET, cases);
  const schemeOf = (c: (typeof cases)[number]) => `${c.signature === "s3v4" ? "v4" : "v2"}-${c.presign ? "query" : "header"}`;

  test("SigV4 and SigV2 (HmacV1Auth, HmacV1QueryAuth) requests and presigned URLs verify", async () => {
    expect(signed.length).toBe(cases.length);
    for (let i = 0; i < cases.length; i++) {
      const s = signed[i];
      const view = viewOfUrl(s.method, s.url, s.headers);
      expectSigned(await authenticate(view, { secretFor }), schemeOf(cases[i]));
    }
  });

  test("tampered botocore requests are refused", async () => {
    for (let i = 0; i < cases.length; i++) {
      const s = signed[i];
      const view = viewOfUrl(s.method, s.url, s.headers);
      const err = await rejects(authenticate({ ...view, rawPath: view.rawPath + "x" }, { secretFor }));
      expect(err.code).toBe("SignatureDoesNotMatch");
    }
  });

  test("non-ASCII metadata sent as raw UTF-8 (botocore's ASCII check unregistered) verifies, SigV4 and SigV2", async () => {
    const params = { Bucket: BUCKET, Key: "k", Body: "data", Metadata: { name: "résumé ☃", nbsp: "à\u00a0la" } };
    const raw = botocoreSign(ENDPOINT, ACCESS, SECRET, [
      { signature: "s3v4", op: "put_object", params, rawMetadata: true },
      { signature: "s3", op: "put_object", params, rawMetadata: true },
    ]);
    for (const [i, s] of raw.entries()) {
      // botocore's HTTP client sends header text as UTF-8; the runtime hands it over a character per byte
      const headers = Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k, String.fromCharCode(...new TextEncoder().encode(v))]));
      expectSigned(await authenticate(viewOfUrl(s.method, s.url, headers), { secretFor }), i === 0 ? "v4-header" : "v2-header");
      headers["x-amz-meta-name"] += "x";
      expect((await rejects(authenticate(viewOfUrl(s.method, s.url, headers), { secretFor }))).code).toBe("SignatureDoesNotMatch");
    }
  });

  test("SigV2 presigned URLs expire; SigV2 headers obey the skew limit", async () => {
    const presigned = signed.findIndex((_, i) => cases[i].signature === "s3" && cases[i].presign);
    const view = viewOfUrl("GET", signed[presigned].url);
    const err = await rejects(authenticate(view, { secretFor, now: Date.now() + 6 * MIN }));
    expect([err.code, err.message]).toEqual(["AccessDenied", "Request has expired"]);
    const header = signed.findIndex((_, i) => cases[i].signature === "s3" && !cases[i].presign);
    const hv = viewOfUrl(signed[header].method, signed[header].url, signed[header].headers);
    expect((await rejects(authenticate(hv, { secretFor, now: Date.now() + 16 * MIN }))).code).toBe("RequestTimeTooSkewed");
  });

  // https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html: at most 604800 s, SigV2 too.
  test("SigV2 presigned URLs ending more than a week from now are refused", async () => {
    const DAY = 86400;
    const [week, longer] = botocoreSign(ENDPOINT, ACCESS, SECRET, [
      { signature: "s3", op: "get_object", params: { Bucket: BUCKET, Key: "k" }, presign: true, expires: 7 * DAY - 60 },
      { signature: "s3", op: "get_object", params: { Bucket: BUCKET, Key: "k" }, presign: true, expires: 7 * DAY + 60 },
    ]);
    expectSigned(await authenticate(viewOfUrl("GET", week.url), { secretFor }), "v2-query");
    const err = await rejects(authenticate(viewOfUrl("GET", longer.url), { secretFor }));
    expect([err.code, err.status]).toEqual(["AuthorizationQueryParametersError", 400]);
    // The week counts from now: the same URL is fine a few minutes later.
    expectSigned(await authenticate(viewOfUrl("GET", longer.url), { secretFor, now: Date.now() + 5 * MIN }), "v2-query");
  });

  test("SigV2 in virtual-hosted style signs /bucket + path", async () => {
    const [s] = botocoreSign(ENDPOINT, ACCESS, SECRET, [{ signature: "s3", op: "get_object", params: { Bucket: BUCKET, Key: "a b" } }]);
    const view = viewOfUrl(s.method, s.url, s.headers);
    const virtual: RequestView = { ...view, rawPath: view.rawPath.slice(("/" + BUCKET).length), virtualHostBucket: BUCKET };
    expectSigned(await authenticate(virtual, { secretFor }), "v2-header");
    expect((await rejects(authenticate({ ...virtual, virtualHostBucket: undefined }, { secretFor }))).code).toBe("SignatureDoesNotMatch");
  });
});

describe("aws CLI", () => {
  test("`aws s3 presign` URLs verify with secret = access key (auth off)", async () => {
    const run = spawnSync("aws", ["s3", "presign", "s3://master.repo/dir/a b+c.txt", "--endpoint-url", ENDPOINT, "--expires-in", "120"], {
      encoding: "utf8",
      env: { ...process.env, AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x", AWS_DEFAULT_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null" },
    });
    expect(run.status).toBe(0);
    const r = await authenticate(viewOfUrl("GET", run.stdout.trim()), { secretFor: (k) => k });
    expect(r.kind === "signed" && r.accessKey).toBe("x");
  });
});

describe("refused schemes", () => {
  test("SigV4a answers NotImplemented", async () => {
    const header = viewOfUrl("GET", `${ENDPOINT}/b/k`, {
      authorization: "AWS4-ECDSA-P256-SHA256 Credential=AK/20240517/s3/aws4_request, SignedHeaders=host, Signature=00",
    });
    expect((await rejects(authenticate(header, { secretFor }))).code).toBe("NotImplemented");
    const query = viewOfUrl("GET", `${ENDPOINT}/b/k?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=x`);
    expect((await rejects(authenticate(query, { secretFor }))).code).toBe("NotImplemented");
  });

  test("malformed Authorization headers", async () => {
    const bad = (authorization: string) => authenticate(viewOfUrl("GET", `${ENDPOINT}/b/k`, { authorization, "x-amz-date": "20240517T120000Z" }), { secretFor, now: T0 });
    expect((await rejects(bad("AWS4-HMAC-SHA256 Credential=AK/20240517/us-east-1/s3/aws4_request"))).code).toBe("AuthorizationHeaderMalformed");
    expect((await rejects(bad("AWS4-HMAC-SHA256 Credential=AK/2024/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00"))).code).toBe("AuthorizationHeaderMalformed");
    expect((await rejects(bad(`AWS4-HMAC-SHA256 Credential=${ACCESS}/20240518/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00`))).code).toBe("AuthorizationHeaderMalformed");
    expect((await rejects(bad("AWS nocolon"))).code).toBe("AuthorizationHeaderMalformed");
    expect((await rejects(bad("Bearer xyz"))).code).toBe("InvalidArgument");
  });
});
