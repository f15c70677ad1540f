// Entry point of the hashing core: everything JS calls. Build: bun scripts/build-wasm.ts
export { INPUT, INPUT_SIZE, CTX, CTX_SIZE, OUT } from "./memory";
export { sha256Init, sha256Update, sha256Final } from "./sha256";
export {
  crc32Init, crc32Update, crc32Final,
  crc32cInit, crc32cUpdate, crc32cFinal,
  crc64nvmeInit, crc64nvmeUpdate, crc64nvmeFinal,
} from "./crc";
export { cdcInit, cdcScan } from "./fastcdc";
