// Console sessions: what signs in, what a session cookie proves, the CSRF header on state-changing requests,
// revocation and idle expiry taking effect at once.
import { expect, test } from "bun:test";
import { ConsoleSessions, sessionCookie } from "../../src/admin/console/sessions.ts";
import type { User } from "../../src/repo/access.ts";

const rita: User = { name: "rita", admin: false, roles: { lab: "reader" }, created: 0 };
const setup = () => {
  const tokens = new Map([["strata_tok", rita]]);
  let now = 1000;
  const sessions = new ConsoleSessions((t) => tokens.get(t), () => now);
  return { sessions, tokens, advance: (ms: number) => (now += ms) };
};
const req = (id: string, method = "GET", csrf?: string) =>
  new Request("http://x/_strata/repos", { method, headers: { cookie: `other=1; strata_console=${id}`, ...(csrf ? { "x-strata-csrf": csrf } : {}) } });

test.each([
  ["a token", { token: "strata_tok" }, true],
  ["access key and the same secret", { accessKey: "strata_tok", secret: "strata_tok" }, true],
  ["access key and another secret", { accessKey: "strata_tok", secret: "nope" }, false],
  ["an unknown token", { token: "strata_other" }, false],
  ["nothing", {}, false],
])("signing in with %s", (_, credentials, ok) => {
  const { sessions } = setup();
  if (ok) expect(sessions.signIn(credentials).user.name).toBe("rita");
  else expect(() => sessions.signIn(credentials)).toThrow("Sign-in refused");
});

test("a session identifies its user; changes need its CSRF token", () => {
  const { sessions } = setup();
  const { id, csrf } = sessions.signIn({ token: "strata_tok" });
  expect(id).not.toContain("strata_tok");
  expect(sessions.identify(req(id))).toEqual({ authOn: true, user: rita });
  expect(sessions.identify(req(id, "POST", csrf))).toEqual({ authOn: true, user: rita });
  expect(() => sessions.identify(req(id, "POST"))).toThrow("x-strata-csrf");
  expect(() => sessions.identify(req(id, "DELETE", "wrong"))).toThrow("x-strata-csrf");
  expect(sessions.identify(req("unknown"))).toBeUndefined();
  sessions.signOut(req(id));
  expect(sessions.identify(req(id))).toBeUndefined();
});

test("a revoked token or an idle session ends the session", () => {
  const { sessions, tokens, advance } = setup();
  const a = sessions.signIn({ token: "strata_tok" });
  advance(11 * 3600_000);
  expect(sessions.current(req(a.id))?.user.name).toBe("rita"); // renewed by use
  advance(11 * 3600_000);
  expect(sessions.current(req(a.id))?.user.name).toBe("rita");
  advance(13 * 3600_000);
  expect(sessions.current(req(a.id))).toBeUndefined();
  const b = sessions.signIn({ token: "strata_tok" });
  tokens.delete("strata_tok");
  expect(sessions.current(req(b.id))).toBeUndefined();
});

test("the cookie is HttpOnly, SameSite=Strict, scoped to the API, Secure over TLS, and removable", () => {
  expect(sessionCookie("abc", false)).toBe("strata_console=abc; Path=/_strata/; HttpOnly; SameSite=Strict");
  expect(sessionCookie("abc", true)).toBe("strata_console=abc; Path=/_strata/; HttpOnly; SameSite=Strict; Secure");
  expect(sessionCookie("", true)).toBe("strata_console=; Path=/_strata/; HttpOnly; SameSite=Strict; Secure; Max-Age=0");
});
