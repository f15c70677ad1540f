// A streaming multipart/form-data reader for POST Object (RFC 7578): the fields before the file are read
// into memory (small, and bounded), the file is handed on as a stream that ends at its closing boundary,
// so an upload of any size never sits in memory. Fields after the file are ignored, as S3 ignores them.
import { concatBytes } from "../util/bytes.ts";
import { S3Error } from "./errors.ts";

export interface FormField {
  /** the field name as sent (S3 matches names case-insensitively) */
  name: string;
  value: string;
}

export interface FormFile {
  /** filename from the part's Content-Disposition ("" when the browser sent none) */
  filename: string;
  contentType?: string;
  /** the file's bytes; errors with MalformedPOSTRequest if the body ends before the file's closing boundary */
  body: ReadableStream<Uint8Array>;
}

export interface ParsedForm {
  fields: FormField[];
  file?: FormFile;
}

/** S3: the fields before the file may take at most 20 KB; the policy alone may be up to this much too. */
export const MAX_FIELDS_BYTES = 64 * 1024;
const MAX_PART_HEADER_BYTES = 8 * 1024;

const malformed = (why: string) => new S3Error("MalformedPOSTRequest", `The body of your POST request is not well-formed multipart/form-data: ${why}.`);
const tooLarge = () =>
  new S3Error("MaxPostPreDataLengthExceededError", "Your POST request fields preceeding the upload file was too large.", { MaxPostPreDataLengthBytes: String(MAX_FIELDS_BYTES) });

const CRLF = new Uint8Array([13, 10]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The boundary of a `multipart/form-data; boundary=...` Content-Type, or undefined when it is not one. */
export function formBoundary(contentType: string | null): string | undefined {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  return boundary && boundary.length <= 70 ? boundary : undefined;
}

/** First index of `needle` in `hay` at or after `from`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = hay.length - needle.length;
  for (let i = hay.indexOf(first, from); i !== -1 && i <= last; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** Pulls bytes from a stream with a pushed-back remainder: the one cursor the parser moves. */
class Cursor {
  private buffered: Uint8Array = new Uint8Array(0);
  private ended = false;
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>, first?: Uint8Array) {
    if (first) this.buffered = first;
  }

  /** Reads more into the buffer; false at the end of the body. */
  async more(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.reader.read();
    if (done) {
      this.ended = true;
      return false;
    }
    this.buffered = this.buffered.length ? concatBytes([this.buffered, value]) : value;
    return true;
  }

  get bytes(): Uint8Array {
    return this.buffered;
  }

  /** Drops the first n buffered bytes, returning them. */
  take(n: number): Uint8Array {
    const head = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return head;
  }

  /** Reads until `needle` is buffered (index returned) or `limit` bytes are buffered without it (-1), or the body ends (-2). */
  async find(needle: Uint8Array, limit: number): Promise<number> {
    for (;;) {
      const at = indexOfBytes(this.buffered, needle);
      if (at >= 0) return at;
      if (this.buffered.length > limit) return -1;
      if (!(await this.more())) return -2;
    }
  }

  /**
   * Reads the rest of the body and drops it (what follows the file is ignored). Read rather than cancelled: a
   * cancelled request body can cut the connection before the answer goes out.
   */
  async drain(): Promise<void> {
    this.buffered = new Uint8Array(0);
    while (!this.ended) {
      const { done } = await this.reader.read();
      if (done) this.ended = true;
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel().catch(() => {});
  }
}

interface PartHeaders {
  name: string;
  filename?: string;
  contentType?: string;
}

function parsePartHeaders(text: string): PartHeaders {
  let disposition = "";
  let contentType: string | undefined;
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-disposition") disposition = value;
    else if (name === "content-type") contentType = value;
  }
  if (!/^form-data\s*(;|$)/i.test(disposition)) throw malformed("a part has no Content-Disposition: form-data");
  const param = (key: string): string | undefined => {
    const m = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, "i").exec(disposition);
    if (!m) return undefined;
    return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2].trim();
  };
  const name = param("name");
  if (name === undefined) throw malformed("a part has no name");
  return { name, filename: param("filename"), contentType };
}

/**
 * Reads the form up to its file part. `body` is the request body as received (a small one already read whole).
 * Throws MalformedPOSTRequest for a body that is not multipart/form-data with this boundary.
 */
export async function readForm(body: ReadableStream<Uint8Array> | Uint8Array | null, boundary: string): Promise<ParsedForm> {
  const stream = body instanceof Uint8Array ? undefined : body;
  const reader = (stream ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })).getReader();
  // The first boundary has no CRLF before it; giving it one makes every delimiter the same "\r\n--boundary".
  const cursor = new Cursor(reader, concatBytes([CRLF, body instanceof Uint8Array ? body : new Uint8Array(0)]));
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const fields: FormField[] = [];
  let fieldBytes = 0;

  const first = await cursor.find(delimiter, MAX_FIELDS_BYTES);
  if (first < 0) throw malformed("no opening boundary");
  cursor.take(first + delimiter.length);
  for (;;) {
    // After a delimiter: "--" closes the form, CRLF starts a part (transport padding before it is allowed).
    while (cursor.bytes.length < 2 && (await cursor.more()));
    if (cursor.bytes[0] === 45 && cursor.bytes[1] === 45) {
      await cursor.drain();
      return { fields };
    }
    const headerEnd = await cursor.find(encoder.encode("\r\n\r\n"), MAX_PART_HEADER_BYTES);
    if (headerEnd < 0) throw malformed("a part's headers do not end");
    const headers = parsePartHeaders(decoder.decode(cursor.take(headerEnd + 4)));
    if (headers.filename !== undefined || headers.name.toLowerCase() === "file") {
      return { fields, file: { filename: headers.filename ?? "", contentType: headers.contentType, body: fileStream(cursor, delimiter) } };
    }
    const end = await cursor.find(delimiter, MAX_FIELDS_BYTES - fieldBytes);
    if (end === -1) throw tooLarge();
    if (end === -2) throw malformed("the body ends inside a field");
    fieldBytes += end;
    if (fieldBytes > MAX_FIELDS_BYTES) throw tooLarge();
    fields.push({ name: headers.name, value: decoder.decode(cursor.take(end)) });
    cursor.take(delimiter.length);
  }
}

/**
 * The file part's bytes as a stream: everything up to the next delimiter. Bytes that could be the start of a
 * delimiter are held back until the next read shows whether they are; the rest of the body is then dropped.
 */
function fileStream(cursor: Cursor, delimiter: Uint8Array): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      for (;;) {
        const at = indexOfBytes(cursor.bytes, delimiter);
        if (at >= 0) {
          if (at > 0) controller.enqueue(cursor.take(at).slice());
          done = true;
          await cursor.drain(); // S3 ignores fields after the file
          controller.close();
          return;
        }
        const safe = cursor.bytes.length - (delimiter.length - 1);
        if (safe > 0) {
          controller.enqueue(cursor.take(safe).slice());
          return;
        }
        if (!(await cursor.more())) {
          done = true;
          controller.error(malformed("the body ends before the file's closing boundary"));
          return;
        }
      }
    },
    cancel() {
      return cursor.cancel();
    },
  });
}
