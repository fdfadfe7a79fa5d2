/**
 * @module ports/store
 * The one storage port the service needs: tenants and API keys, saved profiles and lab-report
 * observations, the hash-chained audit log, and published knowledge-bank versions with a change
 * notification. Two adapters implement it (`adapters/sqlite`, `adapters/postgres`) and both pass
 * the same contract suite (`adapters/store.contract.ts`).
 *
 * Conventions every adapter keeps:
 * - Every tenant-scoped method takes the tenant id first and filters on it in SQL. A read with
 *   another tenant's id returns `null` (not-found), never the row, and never says the row exists.
 * - Expected absence is a value (`null`, `{ kind: 'unknown' }`); bad input and infrastructure
 *   faults throw {@link StoreError}, whose issue code the HTTP layer maps to a status
 *   (`input-invalid` → 400, `not-found` → 404, `store-unavailable` → 503, …).
 * - Everything is async, because the PostgreSQL adapter is; the SQLite adapter is synchronous
 *   underneath and resolves immediately.
 * - Only de-identified data is stored: documents are checked for identifier fields
 *   (`identifier-present`) and lab reports are re-parsed with the observation schema, which
 *   drops unknown fields. Free text (a question, an unrecognized lab line) cannot be checked
 *   here; de-identifying it is the pipeline's job before it reaches the store.
 */
import { IssueError, issue, type IssueCode } from '../domain/issues.js';
import type { NormalizedReport } from '../domain/observation.js';

/** A JSON value as stored: no `undefined`, functions, bigints, NaN/Infinity, dates or cycles. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object (documents and audit payloads are always objects, never bare values). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A clinic (or any party whose data must be kept apart). */
export interface Tenant {
  /** Opaque id (a UUID). */
  id: string;
  /** Unique human name, e.g. `clinic-north`. */
  name: string;
  /** ISO 8601 UTC. */
  createdAt: string;
}

/** An API key as listed: never the secret, never its hash. */
export interface ApiKeyInfo {
  /** Public key id; also embedded in the key itself (`fek_<id>_<secret>`). */
  id: string;
  tenantId: string;
  label: string | null;
  createdAt: string;
  /** When it was revoked; `null` while active. */
  revokedAt: string | null;
}

/** The result of creating a key: the plaintext exists only here, once. */
export interface CreatedApiKey {
  /** The full key to hand to the clinic. Not stored anywhere; it cannot be shown again. */
  key: string;
  info: ApiKeyInfo;
}

/** What a presented key turned out to be. `unknown` → 401, `revoked` → 403. */
export type KeyCheck =
  | { kind: 'ok'; tenant: Tenant; keyId: string }
  | { kind: 'revoked'; tenantId: string; keyId: string }
  | { kind: 'unknown' };

/** Keyset pagination: newest first; pass `nextCursor` back as `cursor` for the next page. */
export interface PageRequest {
  /** 1–500, default 50. */
  limit?: number;
  cursor?: string;
}
export interface Page<T> {
  items: T[];
  /** `null` on the last page. */
  nextCursor: string | null;
}

/** A couple intake and the profile computed from it. */
export interface ProfileInput {
  intake: JsonObject;
  profile: JsonObject;
  /** Knowledge-bank version the profile was computed against (`sha256:…`), when relevant. */
  knowledgeVersion?: string | null;
}
export interface ProfileRecord {
  id: string;
  tenantId: string;
  createdAt: string;
  intake: JsonObject;
  profile: JsonObject;
  /** `sha256:` of the canonical JSON of `intake`: what audit records cite as the profile hash. */
  intakeHash: string;
  knowledgeVersion: string | null;
}

/** One normalized lab report's results, tied to a saved profile or standalone. */
export interface ObservationSetInput {
  report: NormalizedReport;
  /** A profile of the same tenant, or omitted/null for a standalone report. */
  profileId?: string | null;
  /** Whose results these are, when known. */
  partner?: 'female' | 'male' | null;
}
export interface ObservationSetRecord {
  id: string;
  tenantId: string;
  profileId: string | null;
  partner: 'female' | 'male' | null;
  createdAt: string;
  report: NormalizedReport;
  observationCount: number;
}
export interface ObservationQuery extends PageRequest {
  /** Only the sets tied to this profile. */
  profileId?: string;
}

/** What a caller appends to the audit log; the store adds seq, time and hashes. */
export interface AuditInput {
  /** Lowercase dotted kind, e.g. `answer`, `profile.created`, `key.revoked`. */
  kind: string;
  /** question, profile hash, knowledge version, citations, confidence, path, timings… (no identifiers). */
  payload: JsonObject;
  /**
   * Idempotency key (a UUID). A retried append with the same id returns the record already
   * stored instead of writing a second one. Generated when omitted.
   */
  id?: string;
}

/**
 * One audit record. `hash` = `sha256:` + hex SHA-256 of the canonical JSON (RFC 8785 style:
 * sorted keys, no whitespace) of every other field, `prevHash` included. Chains are per tenant:
 * seq runs 1, 2, 3… within a tenant and the first record's prevHash is {@link GENESIS_HASH}.
 */
export interface AuditRecord {
  id: string;
  tenantId: string;
  seq: number;
  /** ISO 8601 UTC, millisecond precision. */
  at: string;
  kind: string;
  payload: JsonObject;
  prevHash: string;
  hash: string;
}

/** The prevHash of the first record in every chain. */
export const GENESIS_HASH = 'sha256:' + '0'.repeat(64);

export type AuditBreakReason =
  | 'hash-mismatch'
  | 'prev-hash-mismatch'
  | 'missing'
  | 'tenant-mismatch'
  | 'head-mismatch'
  | 'head-missing'
  | 'malformed';

/** The first broken record of one tenant's chain. */
export interface AuditBreak {
  tenantId: string;
  seq: number;
  reason: AuditBreakReason;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Chains (tenants) walked. */
  chains: number;
  /** Records checked. */
  records: number;
  /** At most one entry per tenant: the first record at which its chain fails. Sorted by tenant id. */
  broken: AuditBreak[];
  /**
   * Each chain's head as verified. Copy these somewhere the database's writers cannot reach
   * (a ticket, a signed e-mail): an attacker who rewrites a whole chain from some point on and
   * recomputes every hash is only caught by comparing against a head kept outside.
   */
  heads: Array<{ tenantId: string; seq: number; hash: string }>;
}

/** A knowledge-bank version to publish. */
export interface KnowledgePublishInput {
  /** The bank's content id from `kb` (`sha256:` + 64 hex). */
  version: string;
  /** The published bank: an array of entry objects, each with a string `id`. */
  entries: JsonObject[];
  /** Who published (a reviewer's handle or `cli`). */
  publishedBy: string;
  note?: string | null;
}

/** One publication event. Publishing an already stored version again (a rollback) adds one. */
export interface KnowledgePublication {
  /** Monotonic publication number; the highest is current. */
  n: number;
  version: string;
  publishedAt: string;
  publishedBy: string;
  note: string | null;
  entryCount: number;
}

/** A stored knowledge-bank version with its entries. */
export interface KnowledgeVersion {
  version: string;
  /** `sha256:` of the canonical JSON of `entries`, computed by the store. */
  contentHash: string;
  entries: JsonObject[];
  entryCount: number;
  /** When this version was first stored. */
  createdAt: string;
}

/** Called with each new current publication; see {@link Store.subscribe}. */
export type PublicationListener = (publication: KnowledgePublication) => void | Promise<void>;

/** Options every adapter accepts. */
export interface StoreOptions {
  /**
   * Receives faults that happen outside any call: a listener that threw, the notification
   * connection lost and re-established. Without it these are dropped (there is no console here).
   */
  onBackgroundError?: (error: Error) => void;
}

/** The storage port. See the module comment for the conventions. */
export interface Store {
  readonly driver: 'sqlite' | 'postgres';
  /** Where the data lives, password removed: safe to log. */
  readonly location: string;

  // ── tenants and keys ──────────────────────────────────────────────────────────────────────
  /** Create a tenant; its audit chain starts with a `tenant.created` record. Duplicate name → `already-exists`. */
  createTenant(name: string): Promise<Tenant>;
  /** The tenant with this name, created if absent (safe when several processes race). */
  ensureTenant(name: string): Promise<Tenant>;
  /** By id or by name; `null` when neither matches. */
  getTenant(idOrName: string): Promise<Tenant | null>;
  listTenants(): Promise<Tenant[]>;
  /** New random key for a tenant; only its SHA-256 is stored. Unknown tenant → `not-found`. */
  createApiKey(tenantId: string, options?: { label?: string | null }): Promise<CreatedApiKey>;
  /** Look a presented key up. Never throws for a malformed key: that is `unknown`. */
  authenticate(key: string): Promise<KeyCheck>;
  /**
   * Revoke a key (idempotent: revoking twice keeps the first time). With `tenantId`, a key of
   * another tenant is `not-found`, exactly like a key that does not exist.
   */
  revokeApiKey(keyId: string, options?: { tenantId?: string }): Promise<ApiKeyInfo>;
  /** Keys without secrets, newest first; all tenants when `tenantId` is omitted. */
  listApiKeys(tenantId?: string): Promise<ApiKeyInfo[]>;
  /**
   * Whether any key was ever created, revoked ones included: once keys exist the service stays
   * closed even if all are revoked (fail closed), rather than reopening without authentication.
   */
  hasAnyKey(): Promise<boolean>;

  // ── profiles and observations ─────────────────────────────────────────────────────────────
  saveProfile(tenantId: string, input: ProfileInput): Promise<ProfileRecord>;
  getProfile(tenantId: string, id: string): Promise<ProfileRecord | null>;
  listProfiles(tenantId: string, page?: PageRequest): Promise<Page<ProfileRecord>>;
  /** A `profileId` that is not this tenant's profile → `not-found`. */
  saveObservations(tenantId: string, input: ObservationSetInput): Promise<ObservationSetRecord>;
  getObservations(tenantId: string, id: string): Promise<ObservationSetRecord | null>;
  listObservations(tenantId: string, query?: ObservationQuery): Promise<Page<ObservationSetRecord>>;

  // ── audit log ─────────────────────────────────────────────────────────────────────────────
  /**
   * Append to the tenant's chain. Resolves only after the record is durably committed; a
   * rejection means it was not acknowledged (retry with the same `id` to stay exactly-once).
   */
  appendAudit(tenantId: string, input: AuditInput): Promise<AuditRecord>;
  /**
   * Append several records to one tenant's chain in ONE transaction: one durable commit for all,
   * all acknowledged together or none (a rejection means none was acknowledged; retry with the
   * same ids). Each record is idempotent by `id` exactly as in `appendAudit`.
   * Added for the HTTP service's group commit (docs/decisions/0004-audit-group-commit.md): with
   * one commit per answer, the fsync of a durable SQLite commit would cap a server at one answer
   * per fsync.
   */
  appendAuditBatch(tenantId: string, inputs: readonly AuditInput[]): Promise<AuditRecord[]>;
  getAuditRecord(tenantId: string, seq: number): Promise<AuditRecord | null>;
  /** Records in seq order after `afterSeq` (default 0), at most `limit` (1–1000, default 100). */
  listAudit(tenantId: string, query?: { afterSeq?: number; limit?: number }): Promise<AuditRecord[]>;
  /** Walk every chain (or one tenant's) and report the first broken record of each. */
  verifyAudit(options?: { tenantId?: string }): Promise<AuditVerification>;

  // ── knowledge versions ────────────────────────────────────────────────────────────────────
  /**
   * Store the version (if new) and make it current. The same version id with different entries
   * is refused (`already-exists`). Subscribers everywhere are notified after commit.
   */
  publishKnowledge(input: KnowledgePublishInput): Promise<KnowledgePublication>;
  /** The latest publication, or `null` when nothing was ever published. */
  currentKnowledge(): Promise<KnowledgePublication | null>;
  /** Publications, newest first (at most `limit`, default 100). */
  listKnowledgePublications(options?: { limit?: number }): Promise<KnowledgePublication[]>;
  getKnowledgeVersion(version: string): Promise<KnowledgeVersion | null>;
  /**
   * Call `listener` whenever a newer publication becomes current, whichever process published
   * it. Resolves once listening; the returned function stops it. Publications that happen while
   * the notification channel is down are caught up (the latest one) when it comes back.
   */
  subscribe(listener: PublicationListener): Promise<() => Promise<void>>;

  /** Round trip to the database; throws `store-unavailable` when it cannot. */
  ping(): Promise<void>;
  /** Release connections and timers. Further calls fail. */
  close(): Promise<void>;
}

/**
 * The one error type adapters throw. An {@link IssueError} with a single issue, plus whether
 * retrying the same call later may succeed (`store-unavailable` for a lost connection: yes;
 * `input-invalid`: no).
 */
export class StoreError extends IssueError {
  readonly code: IssueCode;
  readonly retryable: boolean;
  constructor(
    code: IssueCode,
    message: string,
    extra: { path?: string; details?: Record<string, unknown>; retryable?: boolean; cause?: unknown } = {},
  ) {
    const opts: { path?: string; details?: Record<string, unknown> } = {};
    if (extra.path !== undefined) opts.path = extra.path;
    if (extra.details !== undefined) opts.details = extra.details;
    super([issue(code, message, opts)]);
    this.name = 'StoreError';
    this.code = code;
    this.retryable = extra.retryable ?? false;
    if (extra.cause !== undefined) this.cause = extra.cause;
  }
}
