// The request target exactly as the client sent it. A Web Request's url has been through the WHATWG URL parser,
// which resolves `.` and `..` segments (also as `%2e`), turns `\` into `/` and re-encodes some bytes: an S3 key
// `x/../k3` would become `k3`. Everything above the runtime reads paths and queries from here instead.

/**
 * The request's body broke off before its end: its framing was malformed (a bad chunk size) or the client hung
 * up. The client's fault, never the server's: answered 400 and logged without a stack.
 */
export class RequestBodyError extends Error {
  constructor(readonly reason: unknown) {
    super(`the request body broke off: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

/** Targets recorded by the node:http server (Bun), whose Requests are built from a normalised URL. */
const RECORDED = new WeakMap<Request, string>();

/** Remembers the target a node:http request came with (in origin form) for `requestTarget`. */
export function recordTarget(req: Request, target: string): Request {
  RECORDED.set(req, originForm(target));
  return req;
}

/**
 * The request's target in origin form (`/path?query`), not normalised. Under Deno the Request's url string is
 * the target appended to the scheme and Host as they came (unparsed); a Request made any other way (tests)
 * gives its url's path and query.
 */
export function requestTarget(req: Request): string {
  return RECORDED.get(req) ?? originForm(req.url, req.headers.get("host") ?? "");
}

/** Path and query of a target, split at the first `?`, both still percent-encoded. */
export function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf("?");
  return q < 0 ? { path: target, query: "" } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/**
 * A target in absolute form (`http://host/path`, RFC 9112 §3.2.2) or as a url string, reduced to its path and
 * query. `host` is the authority to skip when known: a Host such as `a/b@c` holds a slash of its own.
 */
export function originForm(target: string, host = ""): string {
  if (target.charCodeAt(0) === 47) return target; // "/...": already in origin form (nearly every request)
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(target);
  if (!scheme) return target === "" || target === "*" ? "/" : target;
  const afterScheme = target.slice(scheme[0].length);
  const authority = host !== "" && afterScheme.toLowerCase().startsWith(host.toLowerCase()) ? host.length : firstOf(afterScheme, "/?");
  const rest = afterScheme.slice(authority);
  return rest.startsWith("/") ? rest : `/${rest}`;
}

function firstOf(text: string, chars: string): number {
  for (let i = 0; i < text.length; i++) if (chars.includes(text[i])) return i;
  return text.length;
}
