// Raw HTTP against an in-process server, and a lenient XML reader for asserting response shapes.
import { XMLParser } from "fast-xml-parser";
import type { StrataServer } from "../../src/server.ts";

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });

export interface Call {
  method?: string;
  body?: BodyInit | null;
  headers?: Record<string, string>;
}

export interface S3Http {
  call(path: string, init?: Call): Promise<Response>;
  /** Sends a request and parses the XML answer; `status` is checked so failures show the body. */
  xml(path: string, init?: Call & { status?: number }): Promise<{ res: Response; doc: any; text: string }>;
  put(path: string, body: BodyInit, headers?: Record<string, string>): Promise<Response>;
}

export function http(server: StrataServer): S3Http {
  const call = (path: string, init: Call = {}) =>
    fetch(`${server.url}${path}`, { method: init.method ?? "GET", body: init.body ?? undefined, headers: init.headers });
  return {
    call,
    async xml(path, init = {}) {
      const res = await call(path, init);
      const text = await res.text();
      if (res.status !== (init.status ?? 200)) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text}`);
      return { res, doc: text ? parser.parse(text) : undefined, text };
    },
    async put(path, body, headers = {}) {
      const res = await call(path, { method: "PUT", body, headers });
      if (res.status !== 200) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
      return res;
    },
  };
}

/** A value that may be one element or a list of them, as a list. */
export const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Expects an S3 error answer with this status and code. */
export async function expectError(res: Response, status: number, code: string): Promise<string> {
  const text = await res.text();
  if (res.status !== status || !text.includes(`<Code>${code}</Code>`)) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${text}`);
  }
  return text;
}

/** Puts many small objects concurrently (in batches, as clients do). */
export async function putMany(s3: S3Http, bucket: string, keys: string[], body = (k: string) => k, batch = 32): Promise<void> {
  for (let i = 0; i < keys.length; i += batch) {
    await Promise.all(keys.slice(i, i + batch).map((k) => s3.put(`/${bucket}/${encodeKey(k)}`, body(k))));
  }
}

/** Percent-encodes a key for a URL path, keeping '/' (as the SDKs do). */
export const encodeKey = (key: string): string => key.split("/").map(encodeURIComponent).join("/");

/**
 * Empties a bucket the way AWS's docs teach before DeleteBucket: list every version and delete marker, then
 * delete each by its version id (DeleteObjects, up to 1000 a request).
 */
export async function emptyBucket(s3: S3Http, bucket: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const r = (await s3.xml(`/${bucket}?versions`)).doc.ListVersionsResult;
    const all = [...list(r.Version), ...list(r.DeleteMarker)].map((v: any) => ({ key: v.Key as string, id: v.VersionId as string }));
    if (all.length === 0) return deleted;
    const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const body = `<Delete>${all.map((v) => `<Object><Key>${escape(v.key)}</Key><VersionId>${v.id}</VersionId></Object>`).join("")}</Delete>`;
    const { doc } = await s3.xml(`/${bucket}?delete`, { method: "POST", body });
    if (list(doc.DeleteResult.Error).length) throw new Error(`emptying ${bucket}: ${JSON.stringify(doc.DeleteResult.Error)}`);
    deleted += all.length;
  }
}
