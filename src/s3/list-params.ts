// Query parameters shared by the listing operations: max-keys style limits and encoding-type=url.
import { S3Error } from "./errors.ts";

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
