// The text a request header carries, and user metadata as AWS keeps and returns it. The one home of both rules:
// signature verification (sigv4.ts, sigv2.ts) and object metadata (object-headers.ts) read header text here.
//
// Runtimes (Bun's node:http, Deno.serve) hand a header value over as one character per byte on the wire. Clients
// put non-ASCII text there as UTF-8 (boto3, Node's and Bun's http clients, curl) or, for characters up to U+00FF,
// as Latin-1 (fetch, Java's HTTP clients), and AWS's signers (@smithy/signature-v4, botocore) sign the text's
// UTF-8. So bytes that are valid UTF-8 are that text, and any other bytes are Latin-1: either way the canonical
// request hashes the same UTF-8 the client's signer hashed, and metadata stores the text the client meant.
import { fromBase64, toBase64, utf8 } from "../util/bytes.ts";

const ASCII = /^[\x00-\x7f]*$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A header value as the runtime gives it (a character per byte) → the text the client sent. */
export function headerText(value: string): string {
  if (ASCII.test(value)) return value;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return value; // already text: not bytes as a runtime hands them over
    bytes[i] = code;
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return value; // not UTF-8: the bytes are Latin-1, a character each
  }
}

/** Text → the value a Headers object can hold (a character per byte of its UTF-8): POST form fields as headers. */
export function headerBytes(text: string): string {
  if (ASCII.test(text)) return text;
  let out = "";
  for (const b of utf8(text)) out += String.fromCharCode(b);
  return out;
}

/** Printable ASCII, space and tab: what AWS returns as it is ("If the string contains only US-ASCII characters"). */
const PRINTABLE = /^[\t\x20-\x7e]*$/;

/**
 * A metadata value as GET and HEAD return it: as is when printable ASCII, else one RFC 2047 encoded word of its
 * UTF-8 (`=?UTF-8?B?…?=`), as AWS does: "User-defined object metadata" in the S3 User Guide (UsingMetadata.html).
 */
export function metadataHeaderValue(text: string): string {
  return PRINTABLE.test(text) ? text : `=?UTF-8?B?${toBase64(utf8(text))}?=`;
}

/** RFC 2047 §2 encoded word, with RFC 2231's optional language. */
const ENCODED_WORD = /=\?([^?*\s]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * A metadata value as stored: AWS decodes RFC 2047 encoded words "before storing", so a value a client encoded
 * itself (the JS SDK cannot send U+2603 in a header at all) is the text it encodes. A word that does not decode
 * (unknown charset, bad base64, bytes not of its charset) stays as written; blanks between two words that
 * decode are dropped (RFC 2047 §6.2).
 */
export function metadataText(value: string): string {
  if (!value.includes("=?")) return value;
  let out = "";
  let at = 0;
  let afterWord = false;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const before = value.slice(at, m.index);
    const decoded = decodeWord(m[1], m[2], m[3]);
    if (!(afterWord && decoded !== undefined && /^[ \t]+$/.test(before))) out += before;
    out += decoded ?? m[0];
    afterWord = decoded !== undefined;
    at = m.index + m[0].length;
  }
  return out + value.slice(at);
}

function decodeWord(charset: string, encoding: string, text: string): string | undefined {
  try {
    const bytes = encoding === "B" || encoding === "b" ? fromBase64(text) : qDecode(text);
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** RFC 2047 §4.2: `_` is a space, `=XX` a byte, anything else itself. */
function qDecode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "_") out.push(0x20);
    else if (c === "=") {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new Error("bad Q encoding");
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(c.charCodeAt(0));
  }
  return new Uint8Array(out);
}
