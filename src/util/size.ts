// Byte sizes as people write them on command lines: 5242880, 5M, 5MiB, 8MB, 256k, 1.5GiB.
// Binary and decimal units both mean powers of 1024 here, as the aws CLI's multipart_chunksize does.

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** The number of bytes a size names; throws RangeError for anything else. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text) ?? /^\s*(\d+)\s*(b)\s*$/i.exec(text);
  if (!m) throw new RangeError(`${JSON.stringify(text)} is not a size (e.g. 5242880, 5M, 8MiB, 1.5GiB)`);
  const bytes = Number(m[1]) * UNITS[m[2].toLowerCase()];
  if (!Number.isSafeInteger(Math.round(bytes))) throw new RangeError(`${JSON.stringify(text)} is too large`);
  return Math.round(bytes);
}
