// Time formats S3 uses.

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
