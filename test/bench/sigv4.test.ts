// The benchmark's own SigV4 signer must sign exactly as the AWS SDK's signer does.
import { expect, test } from "bun:test";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SigV4Signer, uriEncode } from "../../scripts/bench/sigv4.ts";

// The SDK's hash interface, backed by node:crypto (HMAC when given a secret).
type Source = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Source) => (typeof d === "string" ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: Source) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: Source): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

const when = Date.UTC(2026, 10, 21, 23, 59, 59, 400);

async function sdkAuthorization(method: string, path: string, query: Record<string, string>): Promise<string> {
  const sdk = new SignatureV4({ credentials: { accessKeyId: "AK", secretAccessKey: "SK" }, region: "us-east-1", service: "s3", sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const request = {
    method,
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 9000,
    path,
    query,
    headers: { host: "127.0.0.1:9000", "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
  };
  const signed = await sdk.sign(request, { signingDate: new Date(when) });
  return signed.headers.authorization;
}

test("GET of a key with characters that need encoding", async () => {
  const path = `/bench/${uriEncode("a b+c(1)*")}`;
  const ours = new SigV4Signer("AK", "SK", () => when).sign("GET", "127.0.0.1:9000", path);
  expect(ours["x-amz-date"]).toBe("20261121T235959Z");
  expect(ours.authorization).toBe(await sdkAuthorization("GET", path, {}));
});

test("ListObjectsV2 query parameters are signed in sorted order", async () => {
  const ours = new SigV4Signer("AK", "SK", () => when).sign("GET", "127.0.0.1:9000", "/benchlist", "start-after=key-000999&list-type=2&max-keys=1000");
  expect(ours.authorization).toBe(await sdkAuthorization("GET", "/benchlist", { "list-type": "2", "max-keys": "1000", "start-after": "key-000999" }));
});

test("a different secret gives a different signature", () => {
  const a = new SigV4Signer("AK", "SK", () => when).sign("PUT", "h", "/b/k");
  const b = new SigV4Signer("AK", "SK2", () => when).sign("PUT", "h", "/b/k");
  expect(a.authorization).not.toBe(b.authorization);
});
