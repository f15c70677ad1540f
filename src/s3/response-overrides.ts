// GetObject's response-* query parameters: the headers they set, as values a header can carry.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax
import { S3Error } from "./errors.ts";

const OVERRIDES = ["content-type", "content-language", "expires", "cache-control", "content-disposition", "content-encoding"];

/** Visible ASCII, space and tab: what a header value carries as it is (RFC 9110 §5.5, obs-text aside). */
const HEADER_SAFE = /^[\t\x20-\x7e]*$/;

/** The headers the query's response-* parameters override; a value no header can carry is 400 InvalidArgument. */
export function responseOverrides(query: URLSearchParams): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of OVERRIDES) {
    const value = query.get(`response-${name}`);
    if (value === null) continue;
    const carried = name === "content-disposition" ? asciiDisposition(value) : value;
    if (!HEADER_SAFE.test(carried)) {
      throw new S3Error("InvalidArgument", `response-${name} holds characters a header cannot carry.`, { ArgumentName: `response-${name}`, ArgumentValue: value });
    }
    headers[name] = carried;
  }
  return headers;
}

/**
 * A Content-Disposition whose filename is not ASCII, as RFC 6266 §4.3 says to send it: `filename*=UTF-8''…`
 * (RFC 5987 percent-encoding) and an ASCII `filename` fallback for old clients. Values already ASCII are kept.
 */
export function asciiDisposition(value: string): string {
  if (HEADER_SAFE.test(value)) return value;
  return value.replace(/\bfilename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/i, (_, quoted: string | undefined, bare: string | undefined) => {
    const name = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : bare!.trim();
    const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
    return `filename="${fallback}"; filename*=UTF-8''${rfc5987(name)}`;
  });
}

/** RFC 5987 §3.2.1 value-chars: attr-char as is, everything else percent-encoded UTF-8. */
function rfc5987(text: string): string {
  return encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
