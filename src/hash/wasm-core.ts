// Loads the hashing core (wasm/, embedded by scripts/build-wasm.ts) synchronously at import, so
// every API built on it stays synchronous. Works the same in Bun, Deno and a compiled binary.
import { Buffer } from "node:buffer";
import { WASM_CORE_BASE64 } from "./wasm-core.generated.ts";

interface CoreExports {
  memory: WebAssembly.Memory;
  INPUT: WebAssembly.Global;
  INPUT_SIZE: WebAssembly.Global;
  CTX: WebAssembly.Global;
  CTX_SIZE: WebAssembly.Global;
  OUT: WebAssembly.Global;
  sha256Init(): void;
  sha256Update(length: number): void;
  sha256Final(): void;
  crc32Init(): void;
  crc32Update(length: number): void;
  crc32Final(): void;
  crc32cInit(): void;
  crc32cUpdate(length: number): void;
  crc32cFinal(): void;
  crc64nvmeInit(): void;
  crc64nvmeUpdate(length: number): void;
  crc64nvmeFinal(): void;
  cdcInit(min: number, avg: number, max: number): void;
  cdcScan(start: number, end: number): number;
}

export const core = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(WASM_CORE_BASE64, "base64")), {})
  .exports as unknown as CoreExports;

// The core never grows its memory, so views taken once stay valid.
const memory = new Uint8Array(core.memory.buffer);
const region = (start: WebAssembly.Global, length: number) => memory.subarray(start.value, start.value + length);

/** Bytes the core reads its input from; at most INPUT_SIZE per call. */
export const INPUT_SIZE: number = core.INPUT_SIZE.value;
export const input = region(core.INPUT, INPUT_SIZE);
/** Where the core writes digests. */
export const output = region(core.OUT, 32);
const ctx = region(core.CTX, core.CTX_SIZE.value);

let current: CoreContext | null = null;

/**
 * The state of one hasher or chunker. The core runs one at a time out of its CTX region; callers
 * interleave freely, so whoever enters swaps the previous owner's state out (only on a switch).
 */
export class CoreContext {
  private readonly saved = new Uint8Array(ctx.length);

  /** Makes this state the one the core works on. Call before each core call that uses CTX. */
  enter(): void {
    if (current === this) return;
    if (current) current.saved.set(ctx);
    ctx.set(this.saved);
    current = this;
  }

  /** Forgets this state (it is finished), so no one saves it later. */
  leave(): void {
    if (current === this) current = null;
  }
}

/** Runs `update(length)` over `data` copied into INPUT piece by piece. The caller has entered its context. */
export function feed(data: Uint8Array, update: (length: number) => void): void {
  for (let at = 0; at < data.length; at += INPUT_SIZE) {
    const piece = data.subarray(at, at + INPUT_SIZE);
    input.set(piece);
    update(piece.length);
  }
}
