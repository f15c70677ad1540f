// The one hashing interface the rest of Strata uses. Two engines sit behind it: the WASM core
// (wasm/, ours) and node:crypto (present in Bun and Deno). SHA-256 comes from the selected engine;
// CRC32 from node:zlib where the runtime has it (native, ~10x the core), else from the core; CRC32C and
// CRC64NVME always from the core (node:crypto has none); MD5, SHA-1 and HMAC always from node:crypto
// (the core has none; they are legacy or short-input uses).
import { createHash, createHmac } from "node:crypto";
import * as zlib from "node:zlib";
import { createWasmHasher } from "./wasm-hashers.ts";

export type DigestAlgorithm = "sha256" | "sha1" | "md5" | "crc32" | "crc32c" | "crc64nvme";

export interface Hasher {
  update(data: Uint8Array): this;
  /** Big-endian bytes (for CRCs: 4 or 8 bytes, exactly what S3 base64-encodes). */
  digest(): Uint8Array;
}

export type HashEngine = "wasm" | "native";
export type HashEngineChoice = "auto" | HashEngine;

class NodeHasher implements Hasher {
  private h;
  constructor(alg: "sha256" | "sha1" | "md5") {
    this.h = createHash(alg);
  }
  update(data: Uint8Array): this {
    this.h.update(data);
    return this;
  }
  digest(): Uint8Array {
    return new Uint8Array(this.h.digest());
  }
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

class NativeCrc32Hasher implements Hasher {
  private value = 0;
  constructor(private readonly crc32: (data: Uint8Array, value?: number) => number) {}
  update(data: Uint8Array): this {
    this.value = this.crc32(data, this.value);
    return this;
  }
  digest(): Uint8Array {
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, this.value >>> 0);
    return out;
  }
}

let engine: HashEngine | null = null;

/** Sets the SHA-256 engine (`--hash-engine`); `auto` measures both once and keeps the faster. */
export function selectHashEngine(choice: HashEngineChoice): HashEngine {
  engine = choice === "auto" ? fasterSha256Engine() : choice;
  return engine;
}

/** The SHA-256 engine in use; measured on first use when none was selected. */
export function hashEngineName(): HashEngine {
  return (engine ??= fasterSha256Engine());
}

/** Times both engines on the same 128 KiB a few times (a few ms in all) and returns the faster. */
function fasterSha256Engine(): HashEngine {
  const data = new Uint8Array(128 * 1024).fill(0x5a);
  const best = { wasm: Infinity, native: Infinity };
  for (let round = 0; round < 4; round++) {
    for (const name of ["wasm", "native"] as const) {
      const start = performance.now();
      (name === "wasm" ? createWasmHasher("sha256") : new NodeHasher("sha256")).update(data).digest();
      best[name] = Math.min(best[name], performance.now() - start);
    }
  }
  return best.wasm < best.native ? "wasm" : "native";
}

export function createHasher(alg: DigestAlgorithm): Hasher {
  switch (alg) {
    case "sha256":
      return hashEngineName() === "wasm" ? createWasmHasher(alg) : new NodeHasher(alg);
    case "crc32":
      return nativeCrc32 ? new NativeCrc32Hasher(nativeCrc32) : createWasmHasher(alg);
    case "crc32c":
    case "crc64nvme":
      return createWasmHasher(alg);
    case "sha1":
    case "md5":
      return new NodeHasher(alg);
  }
}

export function digest(alg: DigestAlgorithm, data: Uint8Array): Uint8Array {
  return createHasher(alg).update(data).digest();
}

export function hmacSha256(key: Uint8Array | string, data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}
