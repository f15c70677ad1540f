// Structured blobs (manifests, tree nodes, commits) are stored as UTF-8 JSON: readable with any tool,
// and fast enough that profiles show hashing and I/O, not encoding. Their schemas: docs/format.md, "Blobs".
import type { BlobKind } from "../store/pack-format.ts";
import type { BlobBackend } from "../store/store.ts";
import { fromUtf8, utf8 } from "../util/bytes.ts";
import type { Sized } from "../util/decoded-cache.ts";

export function putJson(blobs: BlobBackend, kind: BlobKind, value: unknown): string {
  return putJsonSized(blobs, kind, value).hash;
}

/** putJson, also giving the size of the stored JSON (what a DecodedCache charges for the value). */
export function putJsonSized(blobs: BlobBackend, kind: BlobKind, value: unknown): { hash: string; bytes: number } {
  const bytes = utf8(JSON.stringify(value));
  return { hash: blobs.put(kind, bytes, true), bytes: bytes.length };
}

export function getJson<T>(blobs: BlobBackend, hash: string): T {
  return getJsonSized<T>(blobs, hash).value;
}

/** getJson, also giving the size of the stored JSON. */
export function getJsonSized<T>(blobs: BlobBackend, hash: string): Sized<T> {
  const bytes = blobs.get(hash);
  return { value: JSON.parse(fromUtf8(bytes)) as T, bytes: bytes.length };
}

export { DecodedCache, type Sized } from "../util/decoded-cache.ts";
