// Time formats S3 uses, and durations as people write them on command lines.

/** 2006-01-02T15:04:05.000Z, as in ListObjects and ListObjectVersions. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();

/** RFC 7231 date, as in Last-Modified and Date headers. */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();

/** Parses an HTTP date header; undefined when absent or unreadable (S3 ignores bad conditional dates). */
export function parseHttpDate(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const DURATION_UNITS: Record<string, number> = { "": 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of a duration: seconds (600), or with a unit s, m, h or d (90s, 10m, 12h, 7d); throws RangeError. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text);
  if (!m) throw new RangeError(`${JSON.stringify(text)} is not a duration (e.g. 600, 90s, 10m, 12h, 7d)`);
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2].toLowerCase()]);
}
