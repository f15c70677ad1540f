// Throughput of payload decoding (framing removal + every verification) on an in-memory body.
// Usage: bun scripts/bench/payload.ts [MiB=64]
import { createHash } from "node:crypto";
import { deriveSigningKey } from "../../src/s3/auth/sigv4.ts";
import type { AuthResult } from "../../src/s3/auth/types.ts";
import { ChunkSignatureChain } from "../../src/s3/payload/chunk-signatures.ts";
import { decodePayload } from "../../src/s3/payload/decode-payload.ts";
import { concatBytes, toBase64, utf8 } from "../../src/util/bytes.ts";
import { digest } from "../../src/hash/hashing.ts";

const MIB = Number(process.argv[2] ?? 64);
const data = new Uint8Array(MIB * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
const CHUNK = 64 * 1024;
const context = { seedSignature: "0".repeat(64), signingKey: deriveSigningKey("s", "20240101", "us-east-1", "s3"), scope: "20240101/us-east-1/s3/aws4_request", amzDate: "20240101T000000Z" };
const auth: AuthResult = { kind: "signed", accessKey: "k", scheme: "v4-header", v4: context };

function chunked(signed: boolean, trailer?: string): Uint8Array {
  const chain = signed ? new ChunkSignatureChain(context) : undefined;
  const parts: Uint8Array[] = [];
  const head = (c: Uint8Array) => utf8(c.length.toString(16) + (chain ? `;chunk-signature=${chain.signChunk(createHash("sha256").update(c).digest())}` : "") + "\r\n");
  for (let at = 0; at < data.length; at += CHUNK) {
    const c = data.subarray(at, at + CHUNK);
    parts.push(head(c), c, utf8("\r\n"));
  }
  parts.push(head(new Uint8Array(0)), utf8((trailer ? `${trailer}\r\n` : "") + "\r\n"));
  return concatBytes(parts);
}

/** Delivers the body in 64 KiB pieces not aligned with the chunks, as a socket would. */
const stream = (body: Uint8Array) => {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= body.length) return c.close();
      c.enqueue(body.subarray(at, at + 65521));
      at += 65521;
    },
  });
};

const crc32 = toBase64(digest("crc32", data));
const cases: [string, Record<string, string>, Uint8Array][] = [
  ["UNSIGNED-PAYLOAD", { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, data],
  ["literal SHA-256", { "x-amz-content-sha256": createHash("sha256").update(data).digest("hex") }, data],
  ["UNSIGNED-PAYLOAD + x-amz-checksum-crc32", { "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-checksum-crc32": crc32 }, data],
  ["STREAMING-UNSIGNED-PAYLOAD-TRAILER crc32", { "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-trailer": "x-amz-checksum-crc32" }, chunked(false, `x-amz-checksum-crc32:${crc32}`)],
  ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD (64 KiB chunks)", { "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" }, chunked(true)],
];

for (const [name, headers, body] of cases) {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    const decoded = decodePayload(new Headers(headers), stream(body), auth);
    const reader = decoded.body.getReader();
    let n = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      n += value.length;
    }
    if (n !== data.length) throw new Error(`${name}: decoded ${n} bytes`);
    best = Math.min(best, performance.now() - start);
  }
  console.log(`${name.padEnd(52)} ${((MIB / best) * 1000).toFixed(0).padStart(6)} MiB/s`);
}
