// Object headers clients set on write and get back on read: content type, stored headers, user metadata, ETags.
import type { ObjectManifest } from "../repo/model.ts";
import { httpDate } from "../util/time.ts";
import { utf8 } from "../util/bytes.ts";
import { S3Error } from "./errors.ts";
import { headerText, metadataHeaderValue, metadataText } from "./header-text.ts";
import { storedContentEncoding } from "./payload/content-encoding.ts";

export const STORED_HEADERS = ["content-encoding", "content-disposition", "content-language", "cache-control", "expires"] as const;
const META_PREFIX = "x-amz-meta-";
const MAX_METADATA_BYTES = 2048;

/** Content type, stored headers and user metadata from a write request. */
export function describedBy(headers: Headers): Pick<ObjectManifest, "contentType" | "headers" | "meta"> {
  const stored: Record<string, string> = {};
  const meta: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = name === "content-encoding" ? storedContentEncoding(headers.get(name)) : headers.get(name);
    if (value) stored[name] = value;
  }
  let metaBytes = 0;
  headers.forEach((value, name) => {
    if (!name.startsWith(META_PREFIX)) return;
    const key = name.slice(META_PREFIX.length);
    const text = metadataText(headerText(value));
    meta[key] = text;
    // AWS: "the sum of the number of bytes in the UTF-8 encoding of each key and value"
    metaBytes += key.length + utf8(text).length;
  });
  if (metaBytes > MAX_METADATA_BYTES) throw new S3Error("MetadataTooLarge");
  return {
    contentType: headers.get("content-type") ?? undefined,
    headers: Object.keys(stored).length ? stored : undefined,
    meta: Object.keys(meta).length ? meta : undefined,
  };
}

export const quoteEtag = (etag: string): string => `"${etag}"`;

/** Compares an If-Match / If-None-Match list with an ETag; quotes are optional, `*` matches anything. */
export function etagMatches(header: string, etag: string): boolean {
  return header.split(",").some((raw) => {
    const t = raw.trim().replace(/^W\//, "");
    return t === "*" || t.replace(/^"|"$/g, "") === etag;
  });
}

/**
 * Headers that describe an object on GET/HEAD: the same on every read of a version, so they are built once per
 * manifest (decoded once, then cached by the repo layer) and last-modified time, and copied for each answer. A
 * record of them cost each small GET a date formatting and the Response's parsing of every header.
 */
export function objectHeaders(m: ObjectManifest, lastModified: number): Headers {
  const known = described.get(m);
  if (known?.lastModified === lastModified) return new Headers(known.headers);
  const out: Record<string, string> = {
    etag: quoteEtag(m.etag),
    "last-modified": httpDate(lastModified),
    "content-type": m.contentType ?? "binary/octet-stream",
    "accept-ranges": "bytes",
  };
  for (const [k, v] of Object.entries(m.headers ?? {})) out[k] = v;
  for (const [k, v] of Object.entries(m.meta ?? {})) out[`x-amz-meta-${k}`] = metadataHeaderValue(v);
  const headers = new Headers(out);
  described.set(m, { lastModified, headers });
  return new Headers(headers);
}

/** Per manifest, the headers of the last version read with it (versions of the same bytes and metadata share it). */
const described = new WeakMap<ObjectManifest, { lastModified: number; headers: Headers }>();
