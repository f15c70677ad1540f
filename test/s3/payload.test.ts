// Payload decoding against bodies and values we did not produce: AWS's published streaming examples,
// boto3's own aws-chunked bodies, and checksums computed by other libraries (hash-wasm, @noble/hashes,
// node:crypto). Bodies are fed split at random points; corruption must error before the last byte.
import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { HttpRequest } from "@smithy/core/protocols";
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { crc32, crc64 } from "hash-wasm";
import { authenticate } from "../../src/s3/auth/authenticate.ts";
import { deriveSigningKey } from "../../src/s3/auth/sigv4.ts";
import { ANY_CREDENTIALS, type AuthResult, type SigV4Context } from "../../src/s3/auth/types.ts";
import { S3Error } from "../../src/s3/errors.ts";
import { ChunkSignatureChain } from "../../src/s3/payload/chunk-signatures.ts";
import { storedContentEncoding } from "../../src/s3/payload/content-encoding.ts";
import { decodePayload, type DecodeOptions, decodeWholePayload } from "../../src/s3/payload/decode-payload.ts";
import { concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from "../../src/util/bytes.ts";
import { botocoreSign, viewOfSmithy, viewOfUrl } from "./signed-requests.ts";

// ---- helpers ---------------------------------------------------------------------------------

/** Small seeded PRNG so a failing random split can be replayed (the seed is in the test name). */
function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

/** A body delivered in pieces cut at random points (sometimes a single byte). */
function streamOf(bytes: Uint8Array, rand?: (n: number) => number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      const n = rand ? 1 + rand(rand(4) === 0 ? 3 : 9000) : bytes.length;
      controller.enqueue(bytes.slice(at, at + n));
      at += n;
    },
  });
}

interface Outcome {
  data: Uint8Array;
  error?: S3Error;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Outcome> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { data: concatBytes(parts) };
      parts.push(value);
    }
  } catch (e) {
    if (!(e instanceof S3Error)) throw e;
    return { data: concatBytes(parts), error: e };
  }
}

/**
 * Decodes a body streamed in random pieces, and again read whole (the path small bodies take): both must reach
 * the same verdict, bytes and checksums.
 */
async function decode(headers: Record<string, string>, body: Uint8Array, auth: AuthResult = { kind: "anonymous" }, rand?: (n: number) => number, options?: DecodeOptions) {
  const decoded = decodePayload(new Headers(headers), streamOf(body, rand), auth, options);
  const outcome = await readAll(decoded.body);
  const streamed = { ...outcome, checksums: outcome.error ? undefined : decoded.checksums() };
  const whole = decodeWhole(headers, body, auth, options);
  expect(whole.error?.code).toBe(streamed.error?.code);
  if (!streamed.error) {
    expect(toHex(whole.data)).toBe(toHex(streamed.data));
    expect(whole.checksums).toEqual(streamed.checksums);
  }
  return streamed;
}

function decodeWhole(headers: Record<string, string>, body: Uint8Array, auth: AuthResult, options?: DecodeOptions) {
  try {
    const { bytes, checksums } = decodeWholePayload(new Headers(headers), body.slice(), auth, options);
    return { data: bytes, checksums };
  } catch (e) {
    if (!(e instanceof S3Error)) throw e;
    return { data: new Uint8Array(0), error: e, checksums: undefined };
  }
}

function thrown(f: () => unknown): S3Error {
  try {
    f();
  } catch (e) {
    if (e instanceof S3Error) return e;
    throw e;
  }
  throw new Error("expected an S3Error");
}

const a = (n: number) => new Uint8Array(n).fill(0x61);
const randomBytes = (n: number, rand: (n: number) => number) => Uint8Array.from({ length: n }, () => rand(256));
const b64hex = (hex: string) => toBase64(fromHex(hex));

/** aws-chunked framing, signed when a chain is given; trailers are written as given. */
function frame(data: Uint8Array, sizes: number[], chain?: ChunkSignatureChain, trailers: [string, string][] = []): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = (chunk: Uint8Array) =>
    chunk.length.toString(16) + (chain ? `;chunk-signature=${chain.signChunk(createHash("sha256").update(chunk).digest())}` : "") + "\r\n";
  let at = 0;
  for (const size of sizes) {
    const chunk = data.subarray(at, at + size);
    at += size;
    parts.push(utf8(header(chunk)), chunk, utf8("\r\n"));
  }
  if (at !== data.length) throw new Error("sizes do not cover the data");
  parts.push(utf8(header(new Uint8Array(0))));
  let tail = trailers.map(([n, v]) => `${n}:${v}\r\n`).join("");
  if (chain && trailers.length) tail += `x-amz-trailer-signature:${chain.signTrailer(trailers.map(([n, v]) => `${n}:${v}\n`).join(""))}\r\n`;
  parts.push(utf8(tail + "\r\n"));
  return concatBytes(parts);
}

function randomSizes(total: number, rand: (n: number) => number): number[] {
  const sizes: number[] = [];
  for (let left = total; left > 0; ) {
    const n = Math.min(left, 1 + rand(20000));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

// ---- AWS's published SigV4 streaming examples -------------------------------------------------
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html ("Example: PUT Object") and
// .../sigv4-streaming-trailers.html: secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, 20130524T000000Z,
// 65536 + 1024 bytes of 'a'.

const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const AWS_NOW = Date.UTC(2013, 4, 24);

const PUBLISHED = {
  plain: {
    payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    signedHeaders: "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
    seed: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
    chunks: [
      "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
      "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
      "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ],
  },
  trailer: {
    payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    signedHeaders: "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer",
    seed: "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
    chunks: [
      "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
      "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
      "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
    ],
    crc32c: "sOO8/Q==",
    trailerSignature: "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435",
  },
};

function publishedHeaders(kind: "plain" | "trailer"): Record<string, string> {
  const v = PUBLISHED[kind];
  return {
    host: "s3.amazonaws.com",
    "x-amz-date": "20130524T000000Z",
    "x-amz-storage-class": "REDUCED_REDUNDANCY",
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${v.signedHeaders},Signature=${v.seed}`,
    "x-amz-content-sha256": v.payload,
    "content-encoding": "aws-chunked",
    "x-amz-decoded-content-length": "66560",
    "content-length": "66824",
    ...(kind === "trailer" ? { "x-amz-trailer": "x-amz-checksum-crc32c" } : {}),
  };
}

function publishedBody(kind: "plain" | "trailer", blankBeforeTrailers = false): Uint8Array {
  const [s1, s2, s3] = PUBLISHED[kind].chunks;
  const t = PUBLISHED.trailer;
  const tail =
    kind === "plain"
      ? "\r\n"
      : (blankBeforeTrailers ? "\r\n" : "") + `x-amz-checksum-crc32c:${t.crc32c}\r\nx-amz-trailer-signature:${t.trailerSignature}\r\n\r\n`;
  return concatBytes([
    utf8(`10000;chunk-signature=${s1}\r\n`), a(65536),
    utf8(`\r\n400;chunk-signature=${s2}\r\n`), a(1024),
    utf8(`\r\n0;chunk-signature=${s3}\r\n${tail}`),
  ]);
}

async function publishedAuth(kind: "plain" | "trailer"): Promise<AuthResult> {
  const view = viewOfUrl("PUT", "http://s3.amazonaws.com/examplebucket/chunkObject.txt", publishedHeaders(kind));
  return authenticate(view, { secretFor: (k) => (k === "AKIAIOSFODNN7EXAMPLE" ? AWS_SECRET : undefined), now: AWS_NOW });
}

const awsContext = (seed: string): SigV4Context => ({
  seedSignature: seed,
  signingKey: deriveSigningKey(AWS_SECRET, "20130524", "us-east-1", "s3"),
  scope: "20130524/us-east-1/s3/aws4_request",
  amzDate: "20130524T000000Z",
});

describe("AWS published streaming examples", () => {
  test("the request signatures verify and give the published seeds", async () => {
    for (const kind of ["plain", "trailer"] as const) {
      const auth = await publishedAuth(kind);
      expect(auth.kind === "signed" && auth.scheme === "v4-header" && auth.v4?.seedSignature).toBe(PUBLISHED[kind].seed);
    }
  });

  test("our chunk signer reproduces every published chunk and trailer signature", () => {
    for (const kind of ["plain", "trailer"] as const) {
      const chain = new ChunkSignatureChain(awsContext(PUBLISHED[kind].seed));
      const got = [a(65536), a(1024), a(0)].map((c) => chain.signChunk(sha256(c)));
      expect(got).toEqual(PUBLISHED[kind].chunks);
      if (kind === "trailer") expect(chain.signTrailer(`x-amz-checksum-crc32c:${PUBLISHED.trailer.crc32c}\n`)).toBe(PUBLISHED.trailer.trailerSignature);
    }
  });

  test("published bodies decode, split at random points", async () => {
    for (let seed = 1; seed <= 25; seed++) {
      for (const kind of ["plain", "trailer"] as const) {
        const auth = await publishedAuth(kind);
        const r = await decode(publishedHeaders(kind), publishedBody(kind, seed % 2 === 0), auth, prng(seed));
        expect(r.error).toBeUndefined();
        expect(r.data).toEqual(a(66560));
        if (kind === "trailer") expect(r.checksums?.crc32c).toBe(PUBLISHED.trailer.crc32c);
      }
    }
  });

  test("auth off (any credentials): signed bodies decode without a key, framing and trailer checksums still checked", async () => {
    const view = viewOfUrl("PUT", "http://s3.amazonaws.com/examplebucket/chunkObject.txt", publishedHeaders("trailer"));
    const auth = await authenticate(view, { ...ANY_CREDENTIALS, now: AWS_NOW });
    const ok = await decode(publishedHeaders("trailer"), publishedBody("trailer"), auth, prng(3));
    expect(ok.error).toBeUndefined();
    expect(ok.data).toEqual(a(66560));
    const text = new TextDecoder().decode(publishedBody("trailer"));
    const wrongCrc = text.replace(PUBLISHED.trailer.crc32c, "AAAAAA==");
    expect((await decode(publishedHeaders("trailer"), utf8(wrongCrc), auth)).error?.code).toBe("BadDigest");
    const badFraming = text.replace("\r\n400;", "\r\nzz;");
    expect((await decode(publishedHeaders("trailer"), utf8(badFraming), auth)).error).toBeDefined();
  });

  test("the published crc32c trailer matches hash-wasm's CRC32C of the data", async () => {
    expect(b64hex(await crc32(a(66560), 0x82f63b78))).toBe(PUBLISHED.trailer.crc32c);
  });

  test("one corrupted data byte, a reordered or wrong signature: SignatureDoesNotMatch, data never complete", async () => {
    const auth = await publishedAuth("plain");
    const body = publishedBody("plain");
    const rand = prng(7);
    for (let i = 0; i < 20; i++) {
      const bad = body.slice();
      const offsetInData = 87 + rand(65536); // inside the first chunk's data
      bad[offsetInData] ^= 1 + rand(255);
      const r = await decode(publishedHeaders("plain"), bad, auth, prng(100 + i));
      expect(r.error?.code).toBe("SignatureDoesNotMatch");
      expect(r.data.length).toBeLessThan(66560);
    }
    const [s1, s2] = PUBLISHED.plain.chunks;
    const swapped = new TextDecoder().decode(body).replace(s1, "X").replace(s2, s1).replace("X", s2);
    expect((await decode(publishedHeaders("plain"), utf8(swapped), auth)).error?.code).toBe("SignatureDoesNotMatch");
  });

  test("a tampered trailer value or trailer signature is refused", async () => {
    const auth = await publishedAuth("trailer");
    const text = new TextDecoder().decode(publishedBody("trailer"));
    const badValue = text.replace("sOO8/Q==", "sOO8/Q=A");
    expect((await decode(publishedHeaders("trailer"), utf8(badValue), auth)).error?.code).toBe("SignatureDoesNotMatch");
    const noSig = text.replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, "");
    expect((await decode(publishedHeaders("trailer"), utf8(noSig), auth)).error?.code).toBe("SignatureDoesNotMatch");
  });

  test("a signed streaming body needs a SigV4 request", () => {
    const err = thrown(() => decodePayload(new Headers(publishedHeaders("plain")), null, { kind: "anonymous" }));
    expect(err.code).toBe("InvalidRequest");
  });
});

// ---- signed streaming bodies of random shape (signer cross-checked above) ----------------------

describe("STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], random shapes", () => {
  const context = awsContext("00".repeat(32));
  const auth: AuthResult = { kind: "signed", accessKey: "k", scheme: "v4-header", v4: context };

  test("random data, chunk sizes and split points decode exactly; corrupting a data byte errors", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = prng(seed);
      const data = randomBytes(rand(200_000), rand);
      const sizes = randomSizes(data.length, rand);
      const withTrailer = seed % 2 === 0;
      const crc = b64hex(await crc32(data));
      const body = frame(data, sizes, new ChunkSignatureChain(context), withTrailer ? [["x-amz-checksum-crc32", crc]] : []);
      const headers: Record<string, string> = {
        "x-amz-content-sha256": withTrailer ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" : "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": String(data.length),
        ...(withTrailer ? { "x-amz-trailer": "x-amz-checksum-crc32" } : {}),
      };
      const ok = await decode(headers, body, auth, rand);
      expect(ok.error).toBeUndefined();
      expect(ok.data).toEqual(data);
      if (withTrailer) expect(ok.checksums?.crc32).toBe(crc);
      if (data.length === 0) continue;
      // Flip a byte inside some chunk's data: find it by walking the framing.
      const target = rand(data.length);
      const headerBytes = sizes.reduce((acc, size, i) => {
        const before = sizes.slice(0, i).reduce((x, y) => x + y, 0);
        return before <= target ? acc + size.toString(16).length + ";chunk-signature=".length + 64 + 2 + (i > 0 ? 2 : 0) : acc;
      }, 0);
      const bad = body.slice();
      bad[target + headerBytes] ^= 0x5a;
      const r = await decode(headers, bad, auth, prng(seed + 1000));
      expect(r.error?.code).toBe("SignatureDoesNotMatch");
      expect(r.data.length).toBeLessThan(data.length);
    }
  });

  test("a chunk that claims gigabytes is streamed, not buffered", async () => {
    const size = 16 * 1024 * 1024;
    const piece = new Uint8Array(64 * 1024).fill(7);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(utf8(`${(4 * 1024 ** 3).toString(16)};chunk-signature=${"0".repeat(64)}\r\n`));
        if (sent >= size) return controller.close();
        controller.enqueue(piece);
        sent += piece.length;
      },
    });
    const headers = new Headers({ "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" });
    const r = await readAll(decodePayload(headers, body, auth).body);
    expect(r.error?.code).toBe("IncompleteBody");
    expect(r.data.length).toBeGreaterThan(size - 2 * piece.length); // delivered as it came, minus the held-back piece
  });
});

// ---- STREAMING-UNSIGNED-PAYLOAD-TRAILER (boto3, the aws CLI over HTTPS) --------------------------

describe("STREAMING-UNSIGNED-PAYLOAD-TRAILER", () => {
  test("boto3's own aws-chunked PutObject bodies verify end to end (signature, framing, CRC32 trailer)", async () => {
    const rand = prng(42);
    const bodies = [new Uint8Array(0), utf8("hello world"), randomBytes(300_000, rand)];
    const cases = bodies.map((b) => ({ signature: "s3v4" as const, op: "put_object", params: { Bucket: "b", Key: "k y", Body: "@@" + toBase64(b) } }));
    const signed = botocoreSign("https://localhost:39124", "x", "x", cases);
    for (let i = 0; i < bodies.length; i++) {
      const s = signed[i];
      expect(s.headers["X-Amz-Content-SHA256"]).toBe("STREAMING-UNSIGNED-PAYLOAD-TRAILER");
      const view = viewOfUrl(s.method, s.url, s.headers);
      const auth = await authenticate(view, { secretFor: (k) => k });
      expect(auth.kind).toBe("signed");
      const wire = fromBase64(s.body!);
      for (let seed = 1; seed <= 5; seed++) {
        const r = await decode(s.headers, wire, auth, prng(seed));
        expect(r.error).toBeUndefined();
        expect(r.data).toEqual(bodies[i]);
        expect(r.checksums?.crc32).toBe(b64hex(await crc32(bodies[i])));
      }
      if (bodies[i].length > 0) {
        const bad = wire.slice();
        bad[wire.indexOf(0x0a) + 1] ^= 0x01; // first data byte
        const r = await decode(s.headers, bad, auth, prng(9));
        expect(r.error?.code).toBe("BadDigest");
        expect(r.data.length).toBeLessThan(bodies[i].length);
      }
    }
  });

  test("@aws-sdk/client-s3 streaming PutObject bodies verify end to end", async () => {
    const sink: HttpRequest[] = [];
    const s3 = new S3Client({
      endpoint: "https://localhost:39125",
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
      requestHandler: { handle: async (req: HttpRequest) => (sink.push(req), Promise.reject(new Error("captured"))) } as never,
    });
    const rand = prng(5);
    const data = randomBytes(100_000, rand);
    const pieces = [data.subarray(0, 30_000), data.subarray(30_000)].map((p) => Buffer.from(p));
    await s3.send(new PutObjectCommand({ Bucket: "b", Key: "k", Body: Readable.from(pieces), ContentLength: data.length })).catch(() => {});
    const req = sink[0];
    expect(req.headers["x-amz-content-sha256"]).toBe("STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    const wire: Buffer[] = [];
    for await (const c of req.body as Readable) wire.push(Buffer.from(c));
    const view = viewOfSmithy(req);
    const auth = await authenticate(view, { secretFor: (k) => k });
    const ok = await decode(req.headers, concatBytes(wire), auth, prng(6));
    expect(ok.data).toEqual(data);
    expect(ok.checksums?.crc32).toBe(b64hex(await crc32(data)));
    const bad = concatBytes(wire);
    bad[bad.length - 40] ^= 0x01; // inside the last data chunk
    expect((await decode(req.headers, bad, auth, prng(7))).error?.code).toBe("BadDigest");
  });

  const unsigned = (data: Uint8Array, trailers: [string, string][]) => frame(data, randomSizes(data.length, prng(3)), undefined, trailers);

  test("trailers: missing, unannounced or malformed ones are refused", async () => {
    const data = utf8("some object bytes");
    const crc = b64hex(await crc32(data));
    const headers = { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-trailer": "x-amz-checksum-crc32" };
    expect((await decode(headers, unsigned(data, [["x-amz-checksum-crc32", crc]]))).checksums?.crc32).toBe(crc);
    expect((await decode(headers, unsigned(data, []))).error?.code).toBe("IncompleteBody");
    // AWS documents clients that end the checksum line with a bare LF before the CRLFs.
    const lf = concatBytes([frame(data, [data.length]).subarray(0, -2), utf8(`x-amz-checksum-crc32:${crc}\n\r\n\r\n`)]);
    expect((await decode(headers, lf, undefined, prng(8))).checksums?.crc32).toBe(crc);
    expect((await decode(headers, unsigned(data, [["x-amz-checksum-crc32", "AAAAAA=="]]))).error?.code).toBe("BadDigest");
    expect((await decode(headers, unsigned(data, [["x-amz-checksum-crc32", "nope"]]))).error?.code).toBe("InvalidRequest");
    const extra: [string, string][] = [["x-amz-checksum-crc32", crc], ["x-amz-checksum-sha1", "x"]];
    expect((await decode(headers, unsigned(data, extra))).error?.code).toBe("InvalidRequest");
    const noneAnnounced = { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" };
    expect((await decode(noneAnnounced, unsigned(data, [["x-amz-checksum-crc32", crc]]))).error?.code).toBe("InvalidRequest");
    expect((await decode(noneAnnounced, unsigned(data, []))).data).toEqual(data);
  });

  test("malformed framing is refused, never stored as content", async () => {
    const h = { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" };
    const cases: [string, string][] = [
      ["zz\r\nabc\r\n0\r\n\r\n", "InvalidRequest"], // size not hex
      ["3\r\nabcX\r\n0\r\n\r\n", "InvalidRequest"], // no CRLF after data
      ["3\nabc\r\n0\r\n\r\n", "InvalidRequest"], // bare LF after a chunk header
      ["3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\nmore", "InvalidRequest"], // bytes after the end
      ["3\r\nabc\r\n", "IncompleteBody"], // no final chunk
      ["3\r\nab", "IncompleteBody"], // cut in the data
      ["5".repeat(5000) + "\r\n", "InvalidRequest"], // endless header line
      ["3\r\nabc\r\n0\r\nx-amz-checksum-crc32", "IncompleteBody"], // cut in a trailer
    ];
    for (const [body, code] of cases) {
      for (const seed of [1, 2, 3]) {
        const r = await decode(h, utf8(body), { kind: "anonymous" }, prng(seed));
        expect([body, r.error?.code]).toEqual([body, code]);
        expect(new TextDecoder().decode(r.data)).not.toContain("\r\n");
      }
    }
  });

  test("x-amz-decoded-content-length must match", async () => {
    const data = utf8("0123456789");
    const body = unsigned(data, []);
    const h = (n: number) => ({ "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length": String(n) });
    expect((await decode(h(10), body)).data).toEqual(data);
    expect((await decode(h(11), body)).error?.code).toBe("IncompleteBody");
    expect((await decode(h(9), body)).error?.code).toBe("InvalidRequest");
  });
});

// ---- plain bodies: literal SHA-256, UNSIGNED-PAYLOAD, Content-MD5, x-amz-checksum-* headers ----

describe("plain bodies", () => {
  const rand = prng(99);
  const data = randomBytes(150_000, rand);

  test("a literal x-amz-content-sha256 is verified; a mismatch errors before the last piece", async () => {
    const good = toHex(sha256(data));
    const ok = await decode({ "x-amz-content-sha256": good }, data, undefined, prng(1));
    expect(ok.data).toEqual(data);
    const bad = await decode({ "x-amz-content-sha256": toHex(sha256(utf8("other"))) }, data, undefined, prng(2));
    expect(bad.error?.code).toBe("XAmzContentSHA256Mismatch");
    expect(bad.error?.extra.S3ComputedContentSHA256).toBe(good);
    expect(bad.data.length).toBeGreaterThan(0); // streamed...
    expect(bad.data.length).toBeLessThan(data.length); // ...but never complete
  });

  test("UNSIGNED-PAYLOAD passes bytes through, checks Content-Length", async () => {
    expect((await decode({ "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, data, undefined, prng(3))).data).toEqual(data);
    expect((await decode({ "content-length": String(data.length + 1) }, data)).error?.code).toBe("IncompleteBody");
  });

  test("Content-MD5: verified (node:crypto md5), BadDigest on mismatch, InvalidDigest when malformed", async () => {
    const md5 = createHash("md5").update(data).digest("base64");
    expect((await decode({ "content-md5": md5 }, data, undefined, prng(4))).error).toBeUndefined();
    const wrong = createHash("md5").update("x").digest("base64");
    expect((await decode({ "content-md5": wrong }, data, undefined, prng(5))).error?.code).toBe("BadDigest");
    for (const bad of ["abc", "not base64 at all!!!!!==", toBase64(new Uint8Array(15))]) {
      expect(thrown(() => decodePayload(new Headers({ "content-md5": bad }), null, { kind: "anonymous" })).code).toBe("InvalidDigest");
    }
  });

  test("x-amz-checksum-* headers, checked against other libraries' values", async () => {
    const expected = {
      crc32: b64hex(await crc32(data)),
      crc32c: b64hex(await crc32(data, 0x82f63b78)),
      crc64nvme: b64hex(await crc64(data, "9a6c9329ac4bc9b5")),
      sha1: toBase64(sha1(data)),
      sha256: toBase64(sha256(data)),
    };
    for (const [alg, value] of Object.entries(expected)) {
      const ok = await decode({ [`x-amz-checksum-${alg}`]: value }, data, undefined, prng(6));
      expect(ok.checksums).toEqual({ [alg]: value });
      const flipped = toBase64(fromBase64(value).map((b, i) => (i === 0 ? b ^ 1 : b)));
      const bad = await decode({ [`x-amz-checksum-${alg}`]: flipped }, data, undefined, prng(7));
      expect([alg, bad.error?.code]).toEqual([alg, "BadDigest"]);
      expect(bad.data.length).toBeLessThan(data.length);
      expect(thrown(() => decodePayload(new Headers({ [`x-amz-checksum-${alg}`]: "AAAA" + value }), null, { kind: "anonymous" })).code).toBe("InvalidRequest");
    }
  });

  test("CRC64NVME and CRC32C published check values for \"123456789\"", async () => {
    const digits = utf8("123456789");
    const r = await decode({ "x-amz-checksum-crc64nvme": b64hex("ae8b14860a799888") }, digits, undefined, undefined, { compute: ["crc32c"] });
    expect(r.checksums).toEqual({ crc64nvme: b64hex("ae8b14860a799888"), crc32c: b64hex("e3069283") });
  });

  test("two checksum algorithms at once are refused", () => {
    const h = new Headers({ "x-amz-checksum-crc32": "AAAAAA==", "x-amz-checksum-sha1": toBase64(new Uint8Array(20)) });
    expect(thrown(() => decodePayload(h, null, { kind: "anonymous" })).code).toBe("InvalidRequest");
  });

  test("checksums() is unavailable until the body was fully read", () => {
    expect(() => decodePayload(new Headers(), null, { kind: "anonymous" }).checksums()).toThrow();
  });
});

describe("x-amz-content-sha256 values", () => {
  test("SigV4a payloads answer NotImplemented, junk InvalidArgument", () => {
    for (const v of ["STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"]) {
      expect(thrown(() => decodePayload(new Headers({ "x-amz-content-sha256": v }), null, { kind: "anonymous" })).code).toBe("NotImplemented");
    }
    expect(thrown(() => decodePayload(new Headers({ "x-amz-content-sha256": "abc" }), null, { kind: "anonymous" })).code).toBe("InvalidArgument");
  });

  test("aws-chunked is dropped from the stored Content-Encoding", () => {
    expect(storedContentEncoding("aws-chunked")).toBeUndefined();
    expect(storedContentEncoding("aws-chunked, gzip")).toBe("gzip");
    expect(storedContentEncoding("gzip")).toBe("gzip");
    expect(storedContentEncoding(null)).toBeUndefined();
  });
});
