/**
 * @module apps/http/auth
 * Who is calling. While no API key exists the service is a single-clinic install: it listens on
 * 127.0.0.1 only (see `server.ts`) and every request acts for the local tenant. Once any key was
 * ever created — revoked ones included, so that revoking every key closes the service rather than
 * reopening it — every `/v1` request needs `Authorization: Bearer KEY`: a missing, malformed or
 * unknown key is 401, a revoked one 403. The key decides the tenant; nothing in the request can
 * name another one.
 */
import { IssueError, issue } from '../../domain/issues.js';
import type { Store, Tenant } from '../../ports/store.js';

/** The tenant a request acts for, and the key that proved it (null in local mode). */
export interface Caller {
  tenant: Tenant;
  keyId: string | null;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/** Resolves callers; remembers that keys exist once it has seen one (keys are never deleted). */
export class Authenticator {
  readonly #store: Store;
  readonly #local: () => Promise<Tenant>;
  #keysExist = false;

  constructor(store: Store, localTenant: () => Promise<Tenant>) {
    this.#store = store;
    this.#local = localTenant;
  }

  /** Whether API keys are required (checked against the store until the first key appears). */
  async keysRequired(): Promise<boolean> {
    if (!this.#keysExist) this.#keysExist = await this.#store.hasAnyKey();
    return this.#keysExist;
  }

  /** The caller of a request with this `Authorization` header; throws `unauthorized`/`forbidden`. */
  async authenticate(header: string | undefined): Promise<Caller> {
    const required = await this.keysRequired();
    if (header === undefined || header === '') {
      if (!required) return { tenant: await this.#local(), keyId: null };
      throw new IssueError([
        issue('unauthorized', 'this service needs an API key: send "Authorization: Bearer KEY"', {
          path: 'headers.authorization',
        }),
      ]);
    }
    const m = BEARER.exec(header);
    if (!m) {
      throw new IssueError([
        issue('unauthorized', 'the Authorization header must be "Bearer KEY"', {
          path: 'headers.authorization',
        }),
      ]);
    }
    const check = await this.#store.authenticate(m[1]!);
    if (check.kind === 'ok') return { tenant: check.tenant, keyId: check.keyId };
    if (check.kind === 'revoked') {
      throw new IssueError([
        issue('forbidden', `API key ${check.keyId} has been revoked`, { path: 'headers.authorization' }),
      ]);
    }
    // Even in local mode a key that is presented must be valid: a client configured with a key
    // for another server (or a database that lost its keys) should see that, not silently work.
    throw new IssueError([issue('unauthorized', 'unknown API key', { path: 'headers.authorization' })]);
  }
}
