// The one hashing interface the rest of Strata uses. Engines plug in behind it.
// First cut: node:crypto only (present in Bun and Deno). The WASM core (wasm/) joins as a second engine.
import { createHash, createHmac } from "node:crypto";

export type DigestAlgorithm = "sha256" | "sha1" | "md5";

export interface Hasher {
  update(data: Uint8Array): this;
  digest(): Uint8Array;
}

class NodeHasher implements Hasher {
  private h;
  constructor(alg: DigestAlgorithm) {
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

export function createHasher(alg: DigestAlgorithm): Hasher {
  return new NodeHasher(alg);
}

export function digest(alg: DigestAlgorithm, data: Uint8Array): Uint8Array {
  return createHasher(alg).update(data).digest();
}

export function hmacSha256(key: Uint8Array | string, data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}
