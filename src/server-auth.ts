// Composition of auth for a running server: tokens as S3 credentials and role checks when auth is on,
// any key pair and no role checks when it is off. Asked per request, so `strata auth enable|disable` against
// the running server take effect at once.
import type { RequestAuthOptions } from "./s3/request-auth.ts";
import { type Authorizer, createAuthorizer, tokenSecrets } from "./s3/access-policy.ts";
import { AccessControl } from "./repo/access.ts";
import type { Store } from "./store/store.ts";

export interface ServerAuth {
  /** whether auth is on now: `serve --auth`, or the data dir's setting (`strata auth enable`) */
  enabled(): boolean;
  /** whether `serve --auth` holds it on (then `auth disable` cannot turn it off while this server runs) */
  required: boolean;
  /** users, tokens and roles: for the admin API */
  access: AccessControl;
  auth: RequestAuthOptions;
  authorize: Authorizer;
  /** Set once, when this start created the admin token: print it, it is never shown again. */
  adminToken?: string;
}

/**
 * Auth is on when asked for (`--auth`, STRATA_AUTH=1) or when the data dir was switched to it
 * (`strata auth enable`); once on it stays on (fail closed) until `strata auth disable`.
 */
export async function setupServerAuth(store: Store, requested: boolean): Promise<ServerAuth> {
  const access = new AccessControl(store);
  const created = requested || access.authEnabled() ? await access.enable() : undefined;
  const enabled = () => requested || access.authEnabled();
  const tokens = tokenSecrets(access);
  const roles = createAuthorizer(access);
  return {
    enabled,
    required: requested,
    access,
    auth: { secretFor: tokens.secretFor, anyCredentials: () => !enabled() },
    authorize: (...args) => (enabled() ? roles(...args) : undefined),
    adminToken: created?.token,
  };
}
