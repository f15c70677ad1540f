// Hashers backed by the WASM core: SHA-256 and the S3 checksums CRC32, CRC32C and CRC64NVME.
import type { Hasher } from "./hashing.ts";
import { core, CoreContext, feed, output } from "./wasm-core.ts";

export type WasmDigestAlgorithm = "sha256" | "crc32" | "crc32c" | "crc64nvme";

interface Algorithm {
  init(): void;
  update(length: number): void;
  final(): void;
  /** Digest bytes, big-endian as S3 base64-encodes them. */
  size: number;
}

const algorithms: Record<WasmDigestAlgorithm, Algorithm> = {
  sha256: { init: core.sha256Init, update: core.sha256Update, final: core.sha256Final, size: 32 },
  crc32: { init: core.crc32Init, update: core.crc32Update, final: core.crc32Final, size: 4 },
  crc32c: { init: core.crc32cInit, update: core.crc32cUpdate, final: core.crc32cFinal, size: 4 },
  crc64nvme: { init: core.crc64nvmeInit, update: core.crc64nvmeUpdate, final: core.crc64nvmeFinal, size: 8 },
};

class WasmHasher implements Hasher {
  private readonly context = new CoreContext();
  private done = false;

  constructor(private readonly alg: Algorithm) {
    this.context.enter();
    alg.init();
  }

  update(data: Uint8Array): this {
    if (this.done) throw new Error("hasher already digested");
    this.context.enter();
    feed(data, this.alg.update);
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error("hasher already digested");
    this.done = true;
    this.context.enter();
    this.alg.final();
    this.context.leave();
    return output.slice(0, this.alg.size);
  }
}

export function createWasmHasher(alg: WasmDigestAlgorithm): Hasher {
  return new WasmHasher(algorithms[alg]);
}
