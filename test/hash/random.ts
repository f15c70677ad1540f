// Reproducible random bytes for the hash tests (xorshift32: fast, and a failure can be replayed).
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export function randomBytes(n: number, random: Random): Uint8Array {
  const out = new Uint8Array(n);
  const words = new Uint32Array(out.buffer, 0, n >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = random() * 2 ** 32;
  for (let i = words.length * 4; i < n; i++) out[i] = random() * 256;
  return out;
}

/** `data` cut at random places (empty pieces included), as a stream might deliver it. */
export function randomSplits(data: Uint8Array, random: Random): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    const n = Math.floor(random() * Math.min(data.length - at + 1, random() < 0.5 ? 100 : 1 << 21));
    parts.push(data.subarray(at, at + n));
    at += n;
  }
  return parts;
}
