// The URI encoding AWS signers use (RFC 3986: everything but A-Z a-z 0-9 - . _ ~ is %XX, upper-case hex),
// and the canonical path and query built from a request as it arrived on the wire.
// Works on bytes, so keys with invalid UTF-8 escapes or stray '%' still get one stable encoding.

const UNRESERVED = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") UNRESERVED[c.charCodeAt(0)] = 1;
const PCT = Array.from({ length: 256 }, (_, i) => "%" + i.toString(16).toUpperCase().padStart(2, "0"));
const encoder = new TextEncoder();

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/**
 * Percent-decodes into bytes. A '%' not followed by two hex digits stays a literal '%' (as S3 keeps it);
 * with `plusIsSpace` a '+' means a space (HTML form rules, which S3 applies to query strings).
 */
export function percentDecode(text: string, plusIsSpace = false): Uint8Array {
  const raw = encoder.encode(text);
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b === 0x25 && i + 2 < raw.length) {
      const hi = hexValue(raw[i + 1]);
      const lo = hexValue(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = plusIsSpace && b === 0x2b ? 0x20 : b;
  }
  return out.subarray(0, n);
}

/** RFC 3986 encoding of bytes; '/' is kept as is when `keepSlash` (paths), encoded otherwise. */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash = false): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    out += UNRESERVED[b] || (keepSlash && b === 0x2f) ? String.fromCharCode(b) : PCT[b];
  }
  return out;
}

export const uriEncode = (text: string, keepSlash = false): string => uriEncodeBytes(encoder.encode(text), keepSlash);

/** Unreserved characters and '/' only: decoding and re-encoding would give the same string. */
const ALREADY_CANONICAL = /^[A-Za-z0-9\-._~/]*$/;

/**
 * The path as the signers encode it: each '/'-separated segment decoded then re-encoded, so an
 * encoded slash (%2F) stays inside its segment, '//' and a leading '/' in keys survive, and nothing
 * is normalized ('.' and '..' are key bytes in S3, not directory steps). No double encoding.
 */
export function canonicalPath(rawPath: string): string {
  if (rawPath === "") return "/";
  if (ALREADY_CANONICAL.test(rawPath)) return rawPath; // the common case, without a round trip through bytes
  return rawPath
    .split("/")
    .map((segment) => uriEncodeBytes(percentDecode(segment)))
    .join("/");
}

/** Query parameters in order of appearance, names and values decoded ('+' is a space). */
export function parseQuery(rawQuery: string): [string, string][] {
  const pairs: [string, string][] = [];
  const utf8 = new TextDecoder();
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? "" : part.slice(eq + 1);
    pairs.push([utf8.decode(percentDecode(name, true)), utf8.decode(percentDecode(value, true))]);
  }
  return pairs;
}

/** SigV4 canonical query string: every parameter but `exclude`, re-encoded, sorted by name then value. */
export function canonicalQuery(rawQuery: string, exclude?: string): string {
  const encoded: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = uriEncodeBytes(percentDecode(eq < 0 ? part : part.slice(0, eq), true));
    if (exclude !== undefined && name === exclude) continue;
    encoded.push([name, uriEncodeBytes(percentDecode(eq < 0 ? "" : part.slice(eq + 1), true))]);
  }
  // Encoded strings are ASCII, so plain code unit order is byte order.
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return encoded.map(([k, v]) => `${k}=${v}`).join("&");
}
