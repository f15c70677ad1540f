// A RepoService on a fresh temporary data dir, and small helpers for repo-level tests.
import { createHash } from "node:crypto";
import { RepoService } from "../../src/repo/service.ts";
import { Store, type StoreOptions } from "../../src/store/store.ts";
import { tmpDir } from "./tmp-dir.ts";

export function openService(dir = tmpDir(), options: StoreOptions = {}): RepoService {
  return new RepoService(Store.open(dir, options));
}

export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const decode = (b: Uint8Array | undefined): string | undefined => (b ? new TextDecoder().decode(b) : undefined);
