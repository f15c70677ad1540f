// A RepoService on a fresh temporary data dir, and small helpers for repo-level tests.
import { createHash } from "node:crypto";
import { createChunker } from "../../src/hash/chunker.ts";
import { RepoService } from "../../src/repo/service.ts";
import { type LocalStore, Store, type StoreOptions } from "../../src/store/store.ts";
import { tmpDir } from "./tmp-dir.ts";

export function openService(dir = tmpDir(), options: StoreOptions = {}): RepoService<LocalStore> {
  return new RepoService(Store.open(dir, options));
}

export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const decode = (b: Uint8Array | undefined): string | undefined => (b ? new TextDecoder().decode(b) : undefined);

/**
 * The SHA-256 digest (sha256-mode ETag) Strata gives bytes, worked out here rather than by storeStream:
 * bytes that chunk into one chunk (or none) get their own SHA-256, more get the SHA-256 of their chunks'
 * SHA-256 digests concatenated.
 */
export function expectedDigest(bytes: Uint8Array): string {
  const chunker = createChunker();
  const chunks = chunker.push(bytes.slice());
  const last = chunker.finish();
  if (last) chunks.push(last);
  if (chunks.length <= 1) return sha256Hex(bytes);
  const hash = createHash("sha256");
  for (const chunk of chunks) hash.update(createHash("sha256").update(chunk).digest());
  return hash.digest("hex");
}
