// The POST policy of a browser form upload: a base64 JSON document with an expiration and conditions that
// every form field (and the bucket, and the file's size) must meet. AWS: "Creating a POST policy"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html).
//
// Conditions: {"field": "value"} and ["eq", "$field", "value"] (exact), ["starts-with", "$field", "prefix"]
// ("" accepts anything; for Content-Type every comma-separated value must start so), and
// ["content-length-range", min, max] (the file's size). Every form field but the signature, the policy, the
// file and x-ignore-* must be named by a condition ("Extra input fields").
import { S3Error } from "./errors.ts";

export type PolicyCondition =
  | { op: "eq" | "starts-with"; field: string; value: string }
  | { op: "content-length-range"; min: number; max: number };

export interface PostPolicy {
  expiration: number;
  conditions: PolicyCondition[];
}

const invalid = (why: string) => new S3Error("InvalidPolicyDocument", `Invalid Policy: ${why}`);
const denied = (why: string) => new S3Error("AccessDenied", `Invalid according to Policy: ${why}`);

/** Fields that are never matched against conditions (S3: the signature, the policy itself, the file). */
const EXEMPT = new Set(["policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"]);

/** Decodes and checks the shape of a policy (InvalidPolicyDocument); its conditions are checked by checkPolicy. */
export function parsePolicy(base64: string): PostPolicy {
  let doc: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(base64.trim()), (c) => c.charCodeAt(0)));
    doc = JSON.parse(text);
  } catch {
    throw invalid("Invalid JSON.");
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw invalid("Invalid JSON.");
  const { expiration, conditions } = doc as Record<string, unknown>;
  if (expiration === undefined) throw invalid("Policy missing expiration.");
  const expires = typeof expiration === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(expiration) ? Date.parse(expiration) : NaN;
  if (Number.isNaN(expires)) throw invalid(`Invalid 'expiration' value: '${String(expiration)}'`);
  if (conditions === undefined) throw invalid("Policy missing conditions.");
  if (!Array.isArray(conditions)) throw invalid("Invalid 'conditions' value: must be a List.");
  return { expiration: expires, conditions: conditions.map(parseCondition) };
}

function parseCondition(raw: unknown): PolicyCondition {
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    const entries = Object.entries(raw);
    if (entries.length !== 1) throw invalid("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
    const [field, value] = entries[0];
    if (typeof value !== "string") throw invalid(`Invalid Simple-Condition: value of ${field} must be a string.`);
    return { op: "eq", field: field.toLowerCase(), value };
  }
  if (!Array.isArray(raw) || raw.length !== 3) throw invalid("Invalid Condition: a condition is an object or a list of three.");
  const [op, a, b] = raw;
  const operator = typeof op === "string" ? op.toLowerCase() : "";
  if (operator === "content-length-range") {
    const min = Number(a);
    const max = Number(b);
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min) throw invalid("Invalid content-length-range: expecting two non-negative integers, min first.");
    return { op: "content-length-range", min, max };
  }
  if (operator !== "eq" && operator !== "starts-with") throw invalid(`Invalid Condition: unknown operation "${String(op)}".`);
  if (typeof a !== "string" || !a.startsWith("$") || typeof b !== "string") throw invalid(`Invalid Condition: expecting ["${operator}", "$field", "value"].`);
  return { op: operator, field: a.slice(1).toLowerCase(), value: b };
}

/** How S3 quotes a condition in its error message: `["starts-with", "$key", "user/"]`. */
function shown(c: PolicyCondition): string {
  return c.op === "content-length-range" ? `["content-length-range", ${c.min}, ${c.max}]` : `[${[c.op, `$${c.field}`, c.value].map((s) => JSON.stringify(s)).join(", ")}]`;
}

function meets(c: { op: "eq" | "starts-with"; field: string; value: string }, actual: string): boolean {
  if (c.op === "eq") return actual === c.value;
  // "Content-Type" may list several types (comma-separated), each of which must start with the prefix.
  if (c.field === "content-type") return actual.split(",").every((v) => v.trim().startsWith(c.value));
  return actual.startsWith(c.value);
}

export interface PolicySubject {
  bucket: string;
  /** form fields by lower-cased name (key with ${filename} already filled in) */
  fields: Map<string, string>;
  now: number;
}

/**
 * Checks expiration, every eq / starts-with condition and that no field goes unnamed (AccessDenied with S3's
 * messages); returns the size range the file must be in, checked while it streams.
 */
export function checkPolicy(policy: PostPolicy, subject: PolicySubject): { min: number; max: number } | undefined {
  if (subject.now > policy.expiration) throw denied("Policy expired.");
  let range: { min: number; max: number } | undefined;
  const named = new Set<string>();
  for (const c of policy.conditions) {
    if (c.op === "content-length-range") {
      range = { min: c.min, max: c.max };
      continue;
    }
    named.add(c.field);
    const actual = c.field === "bucket" ? subject.bucket : (subject.fields.get(c.field) ?? "");
    if (!meets(c, actual)) throw denied(`Policy Condition failed: ${shown(c)}`);
  }
  const extra = [...subject.fields.keys()].filter((name) => !EXEMPT.has(name) && !name.startsWith("x-ignore-") && !named.has(name));
  if (extra.length) throw denied(`Extra input fields: ${extra.join(", ")}`);
  return range;
}
