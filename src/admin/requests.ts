// Reading an admin request: its JSON body and query parameters, each refusal an InvalidRequest (400) that names
// the field, so every route says the same thing about the same mistake.
import type { Context } from "hono";
import type { Caller } from "./admin-access.ts";
import { AdminError } from "./errors.ts";

/** What the admin app's middleware leaves for the routes: who is calling (already authorized). */
export type AdminEnv = { Variables: { caller: Caller } };

export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  return parseJsonObject(await c.req.text());
}

function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const body = JSON.parse(text);
    if (typeof body === "object" && body !== null && !Array.isArray(body)) return body;
  } catch {
    // fall through
  }
  throw new AdminError("InvalidRequest", "the request body must be a JSON object", 400);
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (typeof v !== "string" || v === "") throw new AdminError("InvalidRequest", `${field} is required`, 400);
  return v;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new AdminError("InvalidRequest", `${field} must be a string`, 400);
  return v;
}

export function requireQuery(c: Context, name: string): string {
  const v = c.req.query(name);
  if (!v) throw new AdminError("InvalidRequest", `query parameter ${name} is required`, 400);
  return v;
}

export function numberQuery(c: Context, name: string, fallback: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new AdminError("InvalidRequest", `${name} must be a positive integer`, 400);
  return n;
}

/** The JSON body, or {} when the request has none (routes whose every field is optional). */
export async function optionalJsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  return parseJsonObject(text);
}

export function optionalSeconds(body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new AdminError("InvalidRequest", `${field} must be a number of seconds, 0 or more`, 400);
  return v;
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new AdminError("InvalidRequest", `${field} must be true or false`, 400);
  return v;
}

/** A field that must be one of a few words (a merge strategy). */
export function optionalChoice<T extends string>(body: Record<string, unknown>, field: string, choices: readonly T[]): T | undefined {
  const v = optionalString(body, field);
  if (v !== undefined && !choices.includes(v as T)) throw new AdminError("InvalidRequest", `${field} must be one of ${choices.join(", ")}`, 400);
  return v as T | undefined;
}

/** What a commit carries besides its changes, from the body: message, meta ({key: value}, strings) and the caller as author. */
export function commitDetails(c: Context<AdminEnv>, body: Record<string, unknown>): { message?: string; meta?: Record<string, string>; author: string } {
  const meta = body.meta;
  if (meta !== undefined && meta !== null) {
    const ok = typeof meta === "object" && !Array.isArray(meta) && Object.entries(meta).every(([k, v]) => k !== "" && typeof v === "string");
    if (!ok) throw new AdminError("InvalidRequest", "meta must be an object of non-empty keys to string values", 400);
  }
  return { message: optionalString(body, "message"), meta: (meta ?? undefined) as Record<string, string> | undefined, author: authorOf(c) };
}

/** Who a commit made by this request is by: the token's user, or anonymous (auth off, or a public read). */
export function authorOf(c: Context<AdminEnv>): string {
  const caller = c.get("caller");
  return (caller?.authOn && caller.user?.name) || "anonymous";
}
