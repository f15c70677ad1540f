// Query parameters shared by several operations: max-keys style limits and encoding-type=url (listings),
// partNumber (GetObject, HeadObject, UploadPart, UploadPartCopy).
import { S3Error } from "./errors.ts";

/** `?partNumber=`: an integer from 1 to 10000, in plain digits. */
export function partNumber(query: URLSearchParams): number {
  const raw = query.get("partNumber") ?? "";
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10000) {
    throw new S3Error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", { ArgumentName: "partNumber", ArgumentValue: raw });
  }
  return n;
}

export function maxKeys(query: URLSearchParams, name = "max-keys"): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new S3Error("InvalidArgument", `${name} must be a non-negative integer`, { ArgumentName: name, ArgumentValue: raw });
  return Math.min(n, 1000);
}

/** encoding-type=url: keys and prefixes are percent-encoded (as S3 does: everything but unreserved and '/'). */
export function encoderFor(query: URLSearchParams): (s: string) => string {
  const type = query.get("encoding-type");
  if (type === null || type === "") return (s) => s;
  if (type !== "url") throw new S3Error("InvalidArgument", "Invalid Encoding Method specified in Request", { ArgumentName: "encoding-type", ArgumentValue: type });
  return (s) => encodeURIComponent(s).replace(/%2F/g, "/").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
