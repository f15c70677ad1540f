// CRC32 (zlib/IEEE), CRC32C (Castagnoli) and CRC64NVME, the checksums S3 offers as x-amz-checksum-*.
// All three are reflected CRCs with all-ones init and xor-out; slicing-by-8 tables consume eight
// bytes per step with independent lookups, which is what makes them fast without CLMUL.
import { CTX, INPUT, OUT } from "./memory";

const CRC32_POLY: u32 = 0xedb88320; // reflected 0x04C11DB7
const CRC32C_POLY: u32 = 0x82f63b78; // reflected 0x1EDC6F41
const CRC64NVME_POLY: u64 = 0x9a6c9329ac4bc9b5; // reflected 0xAD93D23594C93659

// Eight tables of 256 entries each; table k maps a byte to its CRC contribution k bytes further back.
const CRC32_TABLES: usize = memory.data(8 * 256 * 4, 64);
const CRC32C_TABLES: usize = memory.data(8 * 256 * 4, 64);
const CRC64_TABLES: usize = memory.data(8 * 256 * 8, 64);

function fillTables32(tables: usize, poly: u32): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    store<u32>(tables + (<usize>n << 2), c);
  }
  for (let n: usize = 0; n < 256; n++) {
    let c = load<u32>(tables + (n << 2));
    for (let k: usize = 1; k < 8; k++) {
      c = (c >>> 8) ^ load<u32>(tables + (<usize>(c & 0xff) << 2));
      store<u32>(tables + (k << 10) + (n << 2), c);
    }
  }
}

function fillTables64(tables: usize, poly: u64): void {
  for (let n: u64 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    store<u64>(tables + (<usize>n << 3), c);
  }
  for (let n: usize = 0; n < 256; n++) {
    let c = load<u64>(tables + (n << 3));
    for (let k: usize = 1; k < 8; k++) {
      c = (c >>> 8) ^ load<u64>(tables + (<usize>(c & 0xff) << 3));
      store<u64>(tables + (k << 11) + (n << 3), c);
    }
  }
}

fillTables32(CRC32_TABLES, CRC32_POLY);
fillTables32(CRC32C_TABLES, CRC32C_POLY);
fillTables64(CRC64_TABLES, CRC64NVME_POLY);

// @ts-ignore: decorator
@inline function t32(tables: usize, k: usize, byte: u32): u32 {
  return load<u32>(tables + (k << 10) + (<usize>byte << 2));
}

// @ts-ignore: decorator
@inline function t64(k: usize, byte: u64): u64 {
  return load<u64>(CRC64_TABLES + (k << 11) + (<usize>byte << 3));
}

/** Continues a (pre-inverted) 32-bit CRC over INPUT[0, length). */
// @ts-ignore: decorator
@inline function update32(tables: usize, crc: u32, length: i32): u32 {
  let p = INPUT;
  const end = INPUT + <usize>length;
  while (p + 8 <= end) {
    const lo = crc ^ load<u32>(p);
    const hi = load<u32>(p, 4);
    crc = t32(tables, 7, lo & 0xff) ^ t32(tables, 6, (lo >>> 8) & 0xff) ^ t32(tables, 5, (lo >>> 16) & 0xff) ^ t32(tables, 4, lo >>> 24) ^
      t32(tables, 3, hi & 0xff) ^ t32(tables, 2, (hi >>> 8) & 0xff) ^ t32(tables, 1, (hi >>> 16) & 0xff) ^ t32(tables, 0, hi >>> 24);
    p += 8;
  }
  while (p < end) {
    crc = (crc >>> 8) ^ t32(tables, 0, (crc ^ load<u8>(p)) & 0xff);
    p++;
  }
  return crc;
}

// The CRC state in CTX is kept inverted (init 0xFFFFFFFF), so Final only has to invert once more.
export function crc32Init(): void { store<u32>(CTX, 0xffffffff); }
export function crc32Update(length: i32): void { store<u32>(CTX, update32(CRC32_TABLES, load<u32>(CTX), length)); }
export function crc32Final(): void { store<u32>(OUT, bswap<u32>(~load<u32>(CTX))); }

export function crc32cInit(): void { store<u32>(CTX, 0xffffffff); }
export function crc32cUpdate(length: i32): void { store<u32>(CTX, update32(CRC32C_TABLES, load<u32>(CTX), length)); }
export function crc32cFinal(): void { store<u32>(OUT, bswap<u32>(~load<u32>(CTX))); }

export function crc64nvmeInit(): void { store<u64>(CTX, 0xffffffffffffffff); }

export function crc64nvmeUpdate(length: i32): void {
  let crc = load<u64>(CTX);
  let p = INPUT;
  const end = INPUT + <usize>length;
  while (p + 8 <= end) {
    const x = crc ^ load<u64>(p);
    crc = t64(7, x & 0xff) ^ t64(6, (x >>> 8) & 0xff) ^ t64(5, (x >>> 16) & 0xff) ^ t64(4, (x >>> 24) & 0xff) ^
      t64(3, (x >>> 32) & 0xff) ^ t64(2, (x >>> 40) & 0xff) ^ t64(1, (x >>> 48) & 0xff) ^ t64(0, x >>> 56);
    p += 8;
  }
  while (p < end) {
    crc = (crc >>> 8) ^ t64(0, (crc ^ <u64>load<u8>(p)) & 0xff);
    p++;
  }
  store<u64>(CTX, crc);
}

export function crc64nvmeFinal(): void { store<u64>(OUT, bswap<u64>(~load<u64>(CTX))); }
