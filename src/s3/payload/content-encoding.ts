// `aws-chunked` in Content-Encoding describes the transfer, not the object: S3 drops it before storing.

/** The Content-Encoding to store with the object, or undefined when nothing is left. */
export function storedContentEncoding(value: string | null): string | undefined {
  if (value === null) return undefined;
  const kept = value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "" && v.toLowerCase() !== "aws-chunked");
  return kept.length ? kept.join(", ") : undefined;
}
