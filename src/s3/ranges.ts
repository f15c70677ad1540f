// The Range header, as S3 reads it: one range of bytes=a-b, bytes=a- or bytes=-n.
import { S3Error } from "./errors.ts";

export interface ByteRange {
  start: number;
  end: number; // inclusive
}

/** undefined = serve the whole object (no header, or one S3 ignores). Throws InvalidRange when unsatisfiable. */
export function parseRange(header: string | null, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined; // malformed or multiple ranges: S3 ignores them
  const unsatisfiable = () => new S3Error("InvalidRange", undefined, { RangeRequested: header, ActualObjectSize: String(size) });
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return undefined; // S3 ignores inverted ranges
  if (start >= size) throw unsatisfiable();
  return { start, end };
}
