// Test helpers: turn requests signed by third-party signers into the RequestView the server builds.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { buildQueryString, type HttpRequest } from "@smithy/core/protocols";
import type { RequestView } from "../../src/s3/auth/types.ts";

/** Splits a URL by hand, so that path and query stay byte for byte as the client wrote them. */
export function viewOfUrl(method: string, url: string, headers: Record<string, string> = {}): RequestView {
  const m = /^https?:\/\/([^/?#]+)([^?#]*)(?:\?([^#]*))?/.exec(url);
  if (!m) throw new Error(`not a URL: ${url}`);
  const h = new Headers(headers);
  if (!h.has("host")) h.set("host", m[1]);
  return { method, rawPath: m[2] || "/", rawQuery: m[3] ?? "", headers: h };
}

/** A request as the SDK's HTTP handler would put it on the wire. */
export function viewOfSmithy(req: HttpRequest): RequestView {
  const headers = new Headers(req.headers);
  if (!headers.has("host")) headers.set("host", req.port ? `${req.hostname}:${req.port}` : req.hostname);
  return { method: req.method, rawPath: req.path, rawQuery: buildQueryString(req.query ?? {}), headers };
}

export interface BotocoreCase {
  signature: "s3v4" | "s3";
  op: string;
  params: Record<string, unknown>;
  presign?: boolean;
  expires?: number;
  method?: string;
  region?: string;
  /** send non-ASCII user metadata as is (botocore's ASCII check unregistered) */
  rawMetadata?: boolean;
}

export interface Signed {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Base64 of the body as it would be sent (absent for presigned URLs). */
  body?: string;
}

/** Signs every case with botocore in one python process. */
export function botocoreSign(endpoint: string, access: string, secret: string, cases: BotocoreCase[]): Signed[] {
  const script = fileURLToPath(new URL("./fixtures/botocore_sign.py", import.meta.url));
  const run = spawnSync("python3", [script], { input: JSON.stringify({ endpoint, access, secret, cases }), encoding: "utf8" });
  if (run.status !== 0) throw new Error(`botocore signer failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}
