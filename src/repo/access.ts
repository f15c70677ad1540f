// Users, tokens and per-repo roles, kept as refs in the store's journal beside repos and branches.
//
// refs (keys in ref-keys.ts): user/<name> → UserRecord, token/<sha256(token)> → TokenRecord (the token itself is
// never stored: it is the secret), settings/auth → { enabled } (`strata auth enable`: serve with auth on from now on).
// A token is both the access key and the secret key of S3 requests (the secret is always the access key).
import { createHash, randomBytes } from "node:crypto";
import { retryOnConflict, type Store } from "../store/store.ts";
import { NAME_PATTERN } from "./ref-names.ts";
import { parseRefKey, REF } from "./ref-keys.ts";

export type AccessErrorCode = "NoSuchUser" | "UserExists" | "NoSuchToken" | "AmbiguousToken" | "NoSuchRepo" | "InvalidName" | "InvalidRole" | "LastAdmin";

/** A user, token or role request that cannot be done (unknown user, bad name, ...); the message says why. */
export class AccessError extends Error {
  constructor(readonly code: AccessErrorCode, message: string) {
    super(message);
  }
}

export const ROLES = ["reader", "writer", "owner"] as const;
export type Role = (typeof ROLES)[number];

export interface UserRecord {
  admin: boolean;
  /** repo name → role in it */
  roles: Record<string, Role>;
  created: number;
}

export interface TokenRecord {
  user: string;
  created: number;
  label?: string;
}

export interface User extends UserRecord {
  name: string;
}

export interface TokenInfo extends TokenRecord {
  /** first 12 hex digits of the token's SHA-256: names a token in lists and `token revoke` without revealing it */
  id: string;
}

export const ADMIN_USER = "admin";
const TOKEN_PREFIX = "strata_";
const TOKEN_ID_LENGTH = 12;
const USER_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Whether `have` includes everything `need` allows: reader < writer < owner. */
export const roleAtLeast = (have: Role | undefined, need: Role): boolean =>
  have !== undefined && ROLES.indexOf(have) >= ROLES.indexOf(need);

/** The id of the token whose ref key this is. */
const tokenId = (key: string): string => parseRefKey(key, "token").hash.slice(0, TOKEN_ID_LENGTH);

const tokenHash = (token: string): string => createHash("sha256").update(token).digest("hex");

export class AccessControl {
  constructor(private readonly store: Store) {}

  /** Users, tokens and settings are read-modified-written: on a distributed store, again when another gateway won. */
  private retrying<T>(change: () => Promise<T>): Promise<T> {
    return retryOnConflict(this.store, change);
  }

  /** The user a token belongs to, or undefined for an unknown or revoked token. */
  userForToken(token: string): User | undefined {
    const record = this.store.refs.get<TokenRecord>(REF.token(tokenHash(token)), "latest");
    return record ? this.getUser(record.user) : undefined;
  }

  getUser(name: string): User | undefined {
    const record = this.store.refs.get<UserRecord>(REF.user(name), "latest");
    return record && { name, ...record };
  }

  listUsers(): User[] {
    return this.store.refs.list<UserRecord>(REF.users(), "latest").map(([k, v]) => ({ name: parseRefKey(k, "user").user, ...v }));
  }

  createUser(name: string, options: { admin?: boolean } = {}): Promise<User> {
    return this.retrying(async () => {
      if (!USER_NAME.test(name)) throw new AccessError("InvalidName", `user names are 1-63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit: ${name}`);
      if (this.getUser(name)) throw new AccessError("UserExists", `user ${name} already exists`);
      const record: UserRecord = { admin: options.admin ?? false, roles: {}, created: Date.now() };
      await this.store.commit([{ key: REF.user(name), value: record }]);
      return { name, ...record };
    });
  }

  /** Deletes a user and every token of theirs; never the last admin. */
  deleteUser(name: string): Promise<void> {
    return this.retrying(async () => {
      const keeper = this.adminKeptBy(this.mustGetUser(name), "delete");
      const tokens = this.tokenRefs().filter(([, t]) => t.user === name).map(([key]) => ({ key, value: null }));
      await this.store.commit([...tokens, { key: REF.user(name), value: null }], keeper);
    });
  }

  /** Makes a user an admin or takes it away; never from the last admin. */
  setAdmin(name: string, admin: boolean): Promise<void> {
    return this.retrying(async () => {
      const user = this.mustGetUser(name);
      const keeper = admin ? [] : this.adminKeptBy(user, "demote");
      const { name: _, ...record } = user;
      await this.store.commit([{ key: REF.user(name), value: { ...record, admin } }], keeper);
    });
  }

  /** Gives a user a role in a repo (replacing the one they had there). */
  grant(name: string, role: Role, repo: string): Promise<void> {
    return this.retrying(async () => {
      if (!ROLES.includes(role)) throw new AccessError("InvalidRole", `a role is one of ${ROLES.join(", ")}: ${role}`);
      if (!NAME_PATTERN.test(repo)) throw new AccessError("InvalidName", `not a repo name: ${repo}`);
      // A role in a repo that does not exist is most likely a typo: it would silently grant nothing.
      if (!this.store.refs.get(REF.repo(repo), "latest")) throw new AccessError("NoSuchRepo", `repo ${repo} does not exist (create it first: strata repo create ${repo})`);
      const { name: _, ...record } = this.mustGetUser(name);
      await this.store.commit([{ key: REF.user(name), value: { ...record, roles: { ...record.roles, [repo]: role } } }]);
    });
  }

  /** Takes away a user's role in a repo; returns whether they had one. */
  revoke(name: string, repo: string): Promise<boolean> {
    return this.retrying(async () => {
      const { name: _, ...record } = this.mustGetUser(name);
      if (!(repo in record.roles)) return false;
      const roles = { ...record.roles };
      delete roles[repo];
      await this.store.commit([{ key: REF.user(name), value: { ...record, roles } }]);
      return true;
    });
  }

  /** Creates a token for a user and returns it: the only time it is ever seen (only its hash is kept). */
  createToken(user: string, label?: string): Promise<{ token: string; info: TokenInfo }> {
    return this.retrying(async () => {
      this.mustGetUser(user);
      const token = TOKEN_PREFIX + randomBytes(20).toString("hex");
      const hash = tokenHash(token);
      const record: TokenRecord = { user, created: Date.now(), ...(label ? { label } : {}) };
      await this.store.commit([{ key: REF.token(hash), value: record }]);
      return { token, info: { id: hash.slice(0, TOKEN_ID_LENGTH), ...record } };
    });
  }

  listTokens(user?: string): TokenInfo[] {
    return this.tokenRefs()
      .filter(([, t]) => user === undefined || t.user === user)
      .map(([key, t]) => ({ id: tokenId(key), ...t }));
  }

  /** Revokes a token named by its id (or the token itself); returns the revoked token's info. */
  revokeToken(idOrToken: string): Promise<TokenInfo> {
    return this.retrying(async () => {
      const id = idOrToken.startsWith(TOKEN_PREFIX) ? tokenHash(idOrToken).slice(0, TOKEN_ID_LENGTH) : idOrToken.toLowerCase();
      const matches = id.length >= 6 ? this.tokenRefs().filter(([key]) => key.startsWith(REF.token(id))) : [];
      if (matches.length !== 1) throw matches.length ? new AccessError("AmbiguousToken", `token id ${id} is ambiguous`) : new AccessError("NoSuchToken", `no token ${id}`);
      const [key, record] = matches[0];
      await this.store.commit([{ key, value: null }]);
      return { id: tokenId(key), ...record };
    });
  }

  /** Whether auth was switched on for this data dir (`strata auth enable`). */
  authEnabled(): boolean {
    return this.store.refs.get<{ enabled: boolean }>(REF.authSettings(), "latest")?.enabled === true;
  }

  /**
   * Switches auth on for this data dir and makes sure an admin can get in: when no admin user has a
   * token, creates the `admin` user (if needed) and a token for it, returned once. Otherwise returns no token.
   */
  enable(): Promise<{ user: string; token: string } | undefined> {
    return this.retrying(async () => {
      if (!this.authEnabled()) await this.store.commit([{ key: REF.authSettings(), value: { enabled: true } }]);
      const admins = new Set(this.listUsers().filter((u) => u.admin).map((u) => u.name));
      if (this.tokenRefs().some(([, t]) => admins.has(t.user))) return undefined;
      const existing = this.getUser(ADMIN_USER);
      if (!existing) await this.createUser(ADMIN_USER, { admin: true });
      else if (!existing.admin) await this.setAdmin(ADMIN_USER, true);
      const { token } = await this.createToken(ADMIN_USER, "created by auth enable");
      return { user: ADMIN_USER, token };
    });
  }

  disable(): Promise<void> {
    return this.retrying(async () => {
      await this.store.commit([{ key: REF.authSettings(), value: null }]);
    });
  }

  /**
   * Without an admin nobody could manage users or tokens again (with auth on, nor get in to fix it). Deleting or
   * demoting an admin names another admin that stays; the change commits only if that admin's record is still the
   * one read here (a ref the commit expects unchanged), so two gateways each removing one of the last two admins at
   * once cannot both succeed: the loser re-reads and finds the last admin.
   */
  private adminKeptBy(user: User, change: "delete" | "demote"): string[] {
    if (!user.admin) return [];
    const other = this.listUsers().find((u) => u.admin && u.name !== user.name);
    if (other) return [REF.user(other.name)];
    throw new AccessError("LastAdmin", `user ${user.name} is the last admin and cannot be ${change}d: make another admin first (strata auth user create <name> --admin)`);
  }

  private tokenRefs(): Array<[string, TokenRecord]> {
    return this.store.refs.list<TokenRecord>(REF.tokens(), "latest");
  }

  private mustGetUser(name: string): User {
    const user = this.getUser(name);
    if (!user) throw new AccessError("NoSuchUser", `no user ${name}`);
    return user;
  }
}
