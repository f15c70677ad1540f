// The CRC of a concatenation from the CRCs of its pieces and their lengths, without the bytes:
// what a FULL_OBJECT checksum of a multipart upload needs (S3 combines the parts' CRCs the same way).
//
// For a reflected CRC whose initial value and final xor are all ones (CRC-32, CRC-32C, CRC-64/NVME),
// crc(A‖B) = crc(A)·x^(8·|B|) mod P  xor  crc(B)  (zlib's crc32_combine, generalised to any width).
// Polynomials are kept in reflected bit order (the top bit is x^0); BigInt keeps 64-bit math exact.

export type CrcAlgorithm = "crc32" | "crc32c" | "crc64nvme";

interface CrcSpec {
  width: bigint;
  /** the polynomial, reflected */
  poly: bigint;
  /** x^(2^k) mod P for k = 0..63 */
  powers: bigint[];
  /** x^(8·length) mod P by length: parts mostly share one size */
  byLength: Map<number, bigint>;
}

function spec(width: number, poly: bigint): CrcSpec {
  const s: CrcSpec = { width: BigInt(width), poly, powers: [], byLength: new Map() };
  let p = 1n << BigInt(width - 2); // x^1
  for (let k = 0; k < 64; k++) {
    s.powers.push(p);
    p = multiplyModP(s, p, p);
  }
  return s;
}

const SPECS: Record<CrcAlgorithm, CrcSpec> = {
  crc32: spec(32, 0xedb88320n),
  crc32c: spec(32, 0x82f63b78n),
  crc64nvme: spec(64, 0x9a6c9329ac4bc9b5n),
};

/** a·b mod P, both reflected. */
function multiplyModP(s: CrcSpec, a: bigint, b: bigint): bigint {
  if (a === 0n) return 0n;
  let m = 1n << (s.width - 1n);
  let product = 0n;
  for (;;) {
    if (a & m) {
      product ^= b;
      if ((a & (m - 1n)) === 0n) return product;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ s.poly : b >> 1n;
  }
}

/** x^(8·bytes) mod P. */
function shiftOperator(s: CrcSpec, bytes: number): bigint {
  let cached = s.byLength.get(bytes);
  if (cached !== undefined) return cached;
  let p = 1n << (s.width - 1n); // x^0
  let k = 3; // 8·bytes = bytes·2^3
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2) p = multiplyModP(s, s.powers[k], p);
  }
  cached = p;
  if (s.byLength.size < 1024) s.byLength.set(bytes, cached);
  return cached;
}

const toBigInt = (bytes: Uint8Array): bigint => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);

function toBytes(n: bigint, width: bigint): Uint8Array {
  const out = new Uint8Array(Number(width / 8n));
  for (let i = out.length - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** The CRC (big-endian bytes, as S3 encodes it) of the pieces' concatenation, given each piece's CRC and length. */
export function combineCrcs(alg: CrcAlgorithm, pieces: ReadonlyArray<{ crc: Uint8Array; length: number }>): Uint8Array {
  const s = SPECS[alg];
  let crc = 0n; // the CRC of no bytes
  for (const piece of pieces) crc = multiplyModP(s, shiftOperator(s, piece.length), crc) ^ toBigInt(piece.crc);
  return toBytes(crc, s.width);
}
