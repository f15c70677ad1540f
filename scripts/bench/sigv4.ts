// A minimal AWS Signature V4 header signer for the load generator: path-style requests,
// `x-amz-content-sha256: UNSIGNED-PAYLOAD`, signed headers host;x-amz-content-sha256;x-amz-date.
// Why sign at all: moto_server answers anonymous GET/HEAD of a private object with 403, and
// Strata refuses canned ACLs other than private, so the only request every target accepts is a
// signed one. The signing key is derived once per day and the date string once per second, so a
// request costs one SHA-256 and one HMAC, the same for every target (with Bun.CryptoHasher,
// which costs about half of node:crypto's createHash/createHmac per call).
//
// Credentials: access key = secret = "S3RVER". That is s3rver's built-in account, moto accepts
// any key, and Strata (auth off) verifies signatures with secret = access key.
export const BENCH_ACCESS_KEY = "S3RVER";
const REGION = "us-east-1";
const SERVICE = "s3";
const SIGNED_HEADERS = "host;x-amz-content-sha256;x-amz-date";

const hmac = (key: string | Buffer, data: string) => new Bun.CryptoHasher("sha256", key).update(data).digest();
const sha256Hex = (data: string) => new Bun.CryptoHasher("sha256").update(data).digest("hex");

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: string): string {
  if (!query) return "";
  return query
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? "" : decodeURIComponent(pair.slice(eq + 1));
      return [uriEncode(name), uriEncode(value)];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join("&");
}

export class SigV4Signer {
  private day = "";
  private signingKey: Buffer = Buffer.alloc(0);
  private second = -1;
  private amzDate = "";

  constructor(
    private readonly accessKey = BENCH_ACCESS_KEY,
    private readonly secret = BENCH_ACCESS_KEY,
    private readonly now: () => number = Date.now,
  ) {}

  private refreshDate(): void {
    const ms = this.now();
    const second = Math.floor(ms / 1000);
    if (second === this.second) return;
    this.second = second;
    this.amzDate = new Date(second * 1000).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const day = this.amzDate.slice(0, 8);
    if (day !== this.day) {
      this.day = day;
      this.signingKey = hmac(hmac(hmac(hmac(`AWS4${this.secret}`, day), REGION), SERVICE), "aws4_request");
    }
  }

  /**
   * Headers that sign `method` on `host` + `path` (already URI-encoded, as sent) + `query`
   * (without "?"), with an unsigned payload.
   */
  sign(method: string, host: string, path: string, query = ""): Record<string, string> {
    this.refreshDate();
    const canonical = `${method}\n${path}\n${canonicalQuery(query)}\nhost:${host}\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:${this.amzDate}\n\n${SIGNED_HEADERS}\nUNSIGNED-PAYLOAD`;
    const scope = `${this.day}/${REGION}/${SERVICE}/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${this.amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const signature = new Bun.CryptoHasher("sha256", this.signingKey).update(toSign).digest("hex");
    return {
      "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
      "x-amz-date": this.amzDate,
      authorization: `AWS4-HMAC-SHA256 Credential=${this.accessKey}/${scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`,
    };
  }
}
