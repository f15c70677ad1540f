// Cross-origin resource sharing as S3 does it: the CORSConfiguration document, which rule a browser request
// matches, and the Access-Control-* headers that rule gives. AWS: "Using cross-origin resource sharing (CORS)"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html), "How does Amazon S3 evaluate the CORS
// configuration on a bucket?", PutBucketCors / GetBucketCors / DeleteBucketCors API references.
import type { CorsRule } from "../repo/model.ts";
import type { S3Deps, S3Request } from "./context.ts";
import { S3Error } from "./errors.ts";
import type { XmlObject } from "./xml.ts";

export type { CorsRule };

/** The methods a CORS rule may allow (and the only ones a preflight may ask for). */
export const CORS_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"];
/** S3: "The CORS configuration can have up to 100 rules." */
const MAX_RULES = 100;
/** S3 answers every matching CORS request with this Vary, whatever it asked. */
export const CORS_VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

/** S3's answer to a preflight that no rule allows (its spelling of "evaluation" included). */
export const CORS_NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

const asList = (v: unknown): unknown[] => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);
const texts = (v: unknown): string[] => asList(v).map((x) => (typeof x === "string" ? x.trim() : typeof x === "number" ? String(x) : ""));
const malformed = () => new S3Error("MalformedXML");

function oneWildcard(kind: "AllowedOrigin" | "AllowedHeader", value: string): string {
  if (value.split("*").length > 2) throw new S3Error("InvalidRequest", `${kind} "${value}" can not have more than one wildcard.`);
  return value;
}

/** A parsed PutBucketCors body as rules; throws MalformedXML / InvalidRequest as S3 does. */
export function parseCorsConfiguration(doc: Record<string, unknown> | undefined): CorsRule[] {
  const config = doc?.CORSConfiguration;
  if (!config || typeof config !== "object") throw malformed();
  const rules = asList((config as Record<string, unknown>).CORSRule);
  if (rules.length === 0) throw malformed();
  if (rules.length > MAX_RULES) throw new S3Error("InvalidRequest", `The number of CORS rules should not exceed allowed limit of ${MAX_RULES} rules.`);
  return rules.map((raw) => {
    if (!raw || typeof raw !== "object") throw malformed();
    const r = raw as Record<string, unknown>;
    const origins = texts(r.AllowedOrigin);
    const methods = texts(r.AllowedMethod);
    if (origins.length === 0 || methods.length === 0 || origins.includes("") || methods.includes("")) throw malformed();
    for (const m of methods) {
      if (!CORS_METHODS.includes(m)) throw new S3Error("InvalidRequest", `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    const rule: CorsRule = {
      origins: origins.map((o) => oneWildcard("AllowedOrigin", o)),
      methods,
      headers: texts(r.AllowedHeader).map((h) => oneWildcard("AllowedHeader", h)),
      expose: texts(r.ExposeHeader),
    };
    const id = texts(r.ID)[0];
    if (id) {
      if (id.length > 255) throw new S3Error("InvalidArgument", "The ID of a CORS rule is at most 255 characters long.");
      rule.id = id;
    }
    const maxAge = texts(r.MaxAgeSeconds)[0];
    if (maxAge !== undefined) {
      if (!/^\d{1,10}$/.test(maxAge)) throw malformed();
      rule.maxAgeSeconds = Number(maxAge);
    }
    return rule;
  });
}

/** Rules as GetBucketCors answers them. */
export function corsConfigurationXml(rules: CorsRule[]): XmlObject {
  return {
    CORSRule: rules.map((r) => ({
      ID: r.id,
      AllowedHeader: r.headers,
      AllowedMethod: r.methods,
      AllowedOrigin: r.origins,
      ExposeHeader: r.expose,
      MaxAgeSeconds: r.maxAgeSeconds,
    })),
  };
}

/** `pattern` with at most one `*` (any run of characters, also none) against `value`. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf("*");
  if (star < 0) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

export interface CorsQuery {
  origin: string;
  method: string;
  /** request headers a preflight asks for (Access-Control-Request-Headers), lower-cased; none for an actual request */
  headers: string[];
}

export interface CorsMatch {
  rule: CorsRule;
  /** the AllowedOrigin that matched: "*" lets every origin in without credentials */
  origin: string;
}

/** The first rule (in order, as S3 evaluates them) that allows the origin, method and every requested header. */
export function matchCors(rules: CorsRule[], q: CorsQuery): CorsMatch | undefined {
  for (const rule of rules) {
    if (!rule.methods.includes(q.method)) continue;
    const origin = rule.origins.find((o) => wildcardMatch(o, q.origin));
    if (origin === undefined) continue;
    const allowed = rule.headers.map((h) => h.toLowerCase());
    if (q.headers.every((h) => allowed.some((a) => wildcardMatch(a, h)))) return { rule, origin };
  }
  return undefined;
}

/** Access-Control-Request-Headers as a list of lower-cased names. */
export function requestedHeaders(value: string | null): string[] {
  return (value ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
}

/** The Access-Control-* headers (and Vary) a matched request gets; a preflight also gets the headers it asked for. */
export function corsHeaders(match: CorsMatch, q: CorsQuery, preflight: boolean): Record<string, string> {
  const { rule } = match;
  const out: Record<string, string> = {};
  const everyone = match.origin === "*";
  out["access-control-allow-origin"] = everyone ? "*" : q.origin;
  out["access-control-allow-methods"] = rule.methods.join(", ");
  if (preflight && q.headers.length) out["access-control-allow-headers"] = q.headers.join(", ");
  if (rule.expose.length) out["access-control-expose-headers"] = rule.expose.join(", ");
  if (rule.maxAgeSeconds !== undefined) out["access-control-max-age"] = String(rule.maxAgeSeconds);
  if (!everyone) out["access-control-allow-credentials"] = "true";
  out.vary = CORS_VARY;
  return out;
}

/**
 * The rule `strata serve --cors-origin ORIGIN` gives every bucket that has none of its own (local development):
 * every method and request header, and the response headers S3 clients read.
 */
export function defaultCorsRule(origins: string[]): CorsRule {
  return {
    origins,
    methods: [...CORS_METHODS],
    headers: ["*"],
    expose: ["ETag", "x-amz-version-id", "x-amz-request-id", "x-amz-delete-marker", "Content-Length", "Content-Range", "Last-Modified", "Location"],
  };
}

/**
 * The rules a request to `bucket` is judged by: its branch's own (commit buckets use their branch's), else the
 * server's default rule (`--cors-origin`), else none. Undefined also for a bucket that does not exist.
 */
export function corsRulesFor(deps: S3Deps, bucket: string | undefined): CorsRule[] | undefined {
  const fallback = deps.config.defaultCors;
  if (bucket === undefined) return fallback;
  let target;
  try {
    target = deps.buckets.resolve(bucket);
  } catch {
    return undefined; // not a bucket name: nothing to share
  }
  if (!deps.repo.branch(target.repo, target.branch)) return undefined;
  return deps.repo.corsRules(target.repo, target.branch) ?? fallback;
}

/** The CORS headers for an actual (not preflight) request that carries Origin, or none when no rule matches. */
export function actualRequestCorsHeaders(req: Pick<S3Request, "method" | "headers" | "bucket">, deps: S3Deps): Record<string, string> | undefined {
  const origin = req.headers.get("origin");
  if (origin === null) return undefined;
  const rules = corsRulesFor(deps, req.bucket);
  if (!rules) return undefined;
  // S3 judges by Access-Control-Request-Method when a request carries it, else by its own method.
  const q: CorsQuery = { origin, method: req.headers.get("access-control-request-method") ?? req.method, headers: [] };
  const match = matchCors(rules, q);
  return match && corsHeaders(match, q, false);
}
