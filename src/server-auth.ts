// Composition of auth for a running server: tokens as S3 credentials and role checks when auth is on,
// "every key is its own secret" and no role checks when it is off.
import type { RequestAuthOptions } from "./s3/request-auth.ts";
import { type Authorizer, createAuthorizer, tokenSecrets } from "./s3/access-policy.ts";
import { AccessControl } from "./repo/access.ts";
import type { Store } from "./store/store.ts";

export interface ServerAuth {
  enabled: boolean;
  /** users, tokens and roles: for the admin API (`createAuthRoutes(access, { enabled: () => enabled })`) */
  access: AccessControl;
  auth: RequestAuthOptions;
  authorize?: Authorizer;
  /** Set once, when this start created the admin token: print it, it is never shown again. */
  adminToken?: string;
}

/**
 * Auth is on when asked for (`--auth`, STRATA_AUTH=1) or when the data dir was switched to it
 * (`strata auth enable`); once on it stays on (fail closed) until `strata auth disable`.
 */
export async function setupServerAuth(store: Store, requested: boolean): Promise<ServerAuth> {
  const access = new AccessControl(store);
  if (!requested && !access.authEnabled()) return { enabled: false, access, auth: { secretFor: (key) => key } };
  const created = await access.enable();
  return { enabled: true, access, auth: tokenSecrets(access), authorize: createAuthorizer(access), adminToken: created?.token };
}
