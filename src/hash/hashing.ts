// The one hashing interface the rest of Strata uses. Engines plug in behind it.
// First cut: node:crypto only (present in Bun and Deno). The WASM core (wasm/) joins as a second engine.
import { createHash, createHmac } from "node:crypto";

export type DigestAlgorithm = "sha256" | "sha1" | "md5" | "crc32c";

export interface Hasher {
  update(data: Uint8Array): this;
  digest(): Uint8Array;
}

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

const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

class Crc32cHasher implements Hasher {
  private crc = 0xffffffff;
  update(data: Uint8Array): this {
    let c = this.crc;
    for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    this.crc = c;
    return this;
  }
  digest(): Uint8Array {
    const v = (this.crc ^ 0xffffffff) >>> 0;
    return new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
  }
}

export function createHasher(alg: DigestAlgorithm): Hasher {
  return alg === "crc32c" ? new Crc32cHasher() : new NodeHasher(alg);
}

export function digest(alg: DigestAlgorithm, data: Uint8Array): Uint8Array {
  return createHasher(alg).update(data).digest();
}

export function hmacSha256(key: Uint8Array | string, data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(data).digest());
}
