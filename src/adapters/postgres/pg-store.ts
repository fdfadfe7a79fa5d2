/**
 * @module adapters/postgres/pg-store
 * The store for several replicas: PostgreSQL through a `pg` Pool, parameterised queries only.
 *
 * Faults, and what a caller sees:
 * - Server unreachable, connection killed, statement timeout: `StoreError('store-unavailable',
 *   retryable)`, after up to `maxAttempts` tries with a short backoff. Every write is idempotent
 *   (ids are chosen before the first try, and a retry first looks for the row the previous try may
 *   have committed), so a retry after an ambiguous COMMIT never writes twice.
 * - An audit append resolves only after COMMIT returned; with `synchronous_commit` on (the
 *   default) an acknowledged record survives a server crash.
 * - When the server comes back, the pool opens new connections on the next call; nothing needs
 *   restarting. Dead idle connections are dropped by the pool's 'error' handler.
 *
 * Each store lives in one schema (`?schema=` in the URL, default `public`), set as the session
 * search_path, so that several test runs or deployments can share a database.
 */
import { Pool, type PoolClient, type PoolConfig, type QueryResultRow } from 'pg';
import {
  StoreError,
  GENESIS_HASH,
  type ApiKeyInfo,
  type AuditInput,
  type AuditRecord,
  type AuditVerification,
  type CreatedApiKey,
  type JsonObject,
  type KeyCheck,
  type KnowledgePublication,
  type KnowledgePublishInput,
  type KnowledgeVersion,
  type ObservationQuery,
  type ObservationSetInput,
  type ObservationSetRecord,
  type Page,
  type PageRequest,
  type ProfileInput,
  type ProfileRecord,
  type PublicationListener,
  type Store,
  type StoreOptions,
  type Tenant,
} from '../../ports/store.js';
import type { NormalizedReport } from '../../domain/observation.js';
import {
  ChainWalker,
  PublicationFanout,
  asError,
  checkAuditInput,
  checkAuditInputs,
  checkObservationInput,
  checkProfileInput,
  checkPublishInput,
  generateApiKey,
  isId,
  isKeyId,
  newId,
  nextAuditRecord,
  nowIso,
  optionalText,
  pageCursor,
  pageLimit,
  parseApiKey,
  pendingMigrations,
  readMigrationFiles,
  redactUrl,
  seqNumber,
  tenantName,
  type CheckedAudit,
  type RawAuditRow,
} from '../store-core.js';
import { isRetryable, mapPgError } from './pg-errors.js';
import { PgListener } from './pg-listener.js';

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions extends StoreOptions {
  /** Schema holding the tables; overrides `?schema=`. Default `public`. */
  schema?: string;
  /** Pool size. Default 10. */
  poolMax?: number;
  /** Give up connecting after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Server-side `statement_timeout`. Default 15000 ms. */
  statementTimeoutMs?: number;
  /** Tries per operation when the connection is lost. Default 3 (1 = no retry). */
  maxAttempts?: number;
  /** Sent as `application_name` (shows in pg_stat_activity). Default `fertility-engine`. */
  applicationName?: string;
  /** Longest backoff of the LISTEN reconnect loop. Default 5000 ms. */
  reconnectMaxMs?: number;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,47}$/;
const VERIFY_BATCH = 1000;
type Row = QueryResultRow;

/** Split `?schema=` off a URL (pg would pass unknown parameters to the server). */
export function splitSchema(url: string, override?: string): { connectionString: string; schema: string } {
  let connectionString = url;
  let schema = override;
  try {
    const u = new URL(url);
    const fromUrl = u.searchParams.get('schema');
    if (fromUrl !== null) {
      u.searchParams.delete('schema');
      connectionString = u.toString();
      schema ??= fromUrl;
    }
  } catch {
    throw new StoreError('input-invalid', `not a valid PostgreSQL URL: ${redactUrl(url)}`, { path: 'db' });
  }
  schema ??= 'public';
  if (!SCHEMA.test(schema)) {
    throw new StoreError('input-invalid', `schema "${schema}" must match ${SCHEMA.source}`, {
      path: 'schema',
    });
  }
  return { connectionString, schema };
}

/**
 * Connect, migrate and return a PostgreSQL store. Throws `store-unavailable` when the server
 * cannot be reached (after retries), and the migration issues for a schema this engine cannot use.
 */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  const { connectionString, schema } = splitSchema(url, options.schema);
  const statementTimeout = options.statementTimeoutMs ?? 15_000;
  const config: PoolConfig = {
    connectionString,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: statementTimeout,
    // Client-side bound for when the server (or network) stops answering altogether.
    query_timeout: statementTimeout + 5000,
    // A client that dies mid-transaction must not hold the chain-head lock for long.
    idle_in_transaction_session_timeout: 60_000,
    application_name: options.applicationName ?? 'fertility-engine',
    options: `-c search_path=${schema}`,
    keepAlive: true,
  };
  const store = new PostgresStore(config, url, schema, options);
  try {
    await store.migrate();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/** The PostgreSQL implementation of {@link Store}. Construct with {@link openPostgresStore}. */
export class PostgresStore implements Store {
  readonly driver = 'postgres' as const;
  readonly location: string;
  readonly schema: string;
  private readonly pool: Pool;
  private readonly config: PoolConfig;
  private readonly maxAttempts: number;
  private readonly reconnectMaxMs: number;
  private readonly onError: (e: Error) => void;
  private closed = false;
  private fanout: PublicationFanout | null = null;
  private listener: PgListener | null = null;
  private listening: Promise<void> | null = null;

  constructor(config: PoolConfig, url: string, schema: string, options: PostgresStoreOptions) {
    this.config = config;
    this.schema = schema;
    this.location = redactUrl(url);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.reconnectMaxMs = options.reconnectMaxMs ?? 5000;
    this.onError = options.onBackgroundError ?? (() => {});
    this.pool = new Pool(config);
    // An idle pooled connection that the server closes emits 'error' on the pool; unhandled, it
    // would crash the process. The pool drops that connection and opens a new one when needed.
    this.pool.on('error', (e) => this.onError(new Error(`PostgreSQL idle connection lost: ${e.message}`)));
  }

  /** Channel for this schema's publications (schemas sharing a database must not cross-talk). */
  private get channel(): string {
    return `fertility_knowledge_${this.schema}`;
  }

  // ── plumbing ──────────────────────────────────────────────────────────────────────────────

  /**
   * Run `work` on one pooled connection, in a transaction if `tx`, retrying the whole of it when
   * the connection is lost. `work` must be safe to run again (see the module comment).
   */
  private async attempt<T>(work: (c: PoolClient, attempt: number) => Promise<T>, tx: boolean): Promise<T> {
    if (this.closed) throw new StoreError('store-unavailable', 'the store is closed');
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(work, tx, attempt);
      } catch (e) {
        if (e instanceof StoreError || !isRetryable(e) || attempt >= this.maxAttempts || this.closed) {
          throw mapPgError(e, this.location);
        }
        await sleep(50 * 4 ** (attempt - 1));
      }
    }
  }

  private async once<T>(work: (c: PoolClient, attempt: number) => Promise<T>, tx: boolean, attempt: number) {
    const client = await this.pool.connect();
    let destroy: Error | undefined;
    // The pool listens for errors only on idle clients. A checked-out client whose connection
    // drops emits 'error' besides failing its query; unheard, that would crash the process.
    const onLost = (e: Error) => {
      destroy = e;
    };
    client.on('error', onLost);
    try {
      if (!tx) return await work(client, attempt);
      await client.query('BEGIN');
      const result = await work(client, attempt);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      if (isRetryable(e) && !(e instanceof StoreError)) {
        // A connection in an unknown state is not returned to the pool.
        destroy = asError(e);
      } else if (tx) {
        await client.query('ROLLBACK').catch((e2: unknown) => {
          destroy = asError(e2);
        });
      }
      throw e;
    } finally {
      client.removeListener('error', onLost);
      client.release(destroy);
    }
  }

  private read<T>(work: (c: PoolClient) => Promise<T>): Promise<T> {
    return this.attempt((c) => work(c), false);
  }

  private write<T>(work: (c: PoolClient, attempt: number) => Promise<T>): Promise<T> {
    return this.attempt(work, true);
  }

  /** Apply pending migrations, serialized across processes by a transaction-level advisory lock. */
  async migrate(): Promise<void> {
    const files = readMigrationFiles('postgres');
    await this.write(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fertility-migrate:${this.schema}`]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = await c.query('SELECT version, checksum FROM schema_migrations ORDER BY version');
      const where = `PostgreSQL schema ${this.schema} at ${this.location}`;
      for (const m of pendingMigrations(
        files,
        applied.rows as Array<{ version: number; checksum: string }>,
        where,
      )) {
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
      }
    });
  }

  // ── tenants and keys ──────────────────────────────────────────────────────────────────────

  async createTenant(name: string): Promise<Tenant> {
    const n = tenantName(name);
    const id = newId();
    return this.write(async (c) => {
      const found = await c.query('SELECT id, name, created_at FROM tenants WHERE name = $1', [n]);
      if (found.rows[0]) {
        // A retry whose first try committed finds its own row.
        if (found.rows[0].id === id) return toTenant(found.rows[0]);
        throw new StoreError('already-exists', `a tenant named "${n}" already exists`, { path: 'name' });
      }
      return this.insertTenant(c, id, n);
    });
  }

  async ensureTenant(name: string): Promise<Tenant> {
    const n = tenantName(name);
    const id = newId();
    return this.write(async (c) => {
      // Serialize creators of this name so that racing processes do not both insert.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fertility-tenant:${this.schema}:${n}`]);
      const found = await c.query('SELECT id, name, created_at FROM tenants WHERE name = $1', [n]);
      return found.rows[0] ? toTenant(found.rows[0]) : this.insertTenant(c, id, n);
    });
  }

  private async insertTenant(c: PoolClient, id: string, name: string): Promise<Tenant> {
    const createdAt = nowIso();
    await c.query('INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)', [id, name, createdAt]);
    await c.query('INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2)', [id, GENESIS_HASH]);
    await this.appendLocked(c, id, checkAuditInput({ kind: 'tenant.created', payload: { name } }));
    return { id, name, createdAt };
  }

  getTenant(idOrName: string): Promise<Tenant | null> {
    if (typeof idOrName !== 'string') return Promise.resolve(null);
    return this.read(async (c) => {
      const r = await c.query(
        'SELECT id, name, created_at FROM tenants WHERE id = $1 OR name = $1 ORDER BY id = $1 DESC',
        [idOrName],
      );
      return r.rows[0] ? toTenant(r.rows[0]) : null;
    });
  }

  listTenants(): Promise<Tenant[]> {
    return this.read(async (c) =>
      (await c.query('SELECT id, name, created_at FROM tenants ORDER BY name')).rows.map(toTenant),
    );
  }

  async createApiKey(tenantId: string, options: { label?: string | null } = {}): Promise<CreatedApiKey> {
    const label = optionalText(options.label, 'label', 100);
    const k = generateApiKey();
    const createdAt = nowIso();
    const auditInput = checkAuditInput({ kind: 'key.created', payload: { keyId: k.id, label } });
    await this.write(async (c, attempt) => {
      await this.requireTenant(c, tenantId);
      if (attempt > 1 && (await c.query('SELECT 1 FROM api_keys WHERE id = $1', [k.id])).rowCount) return;
      await c.query(
        'INSERT INTO api_keys (id, tenant_id, key_hash, label, created_at) VALUES ($1, $2, $3, $4, $5)',
        [k.id, tenantId, k.hash, label, createdAt],
      );
      await this.appendLocked(c, tenantId, auditInput);
    });
    return { key: k.key, info: { id: k.id, tenantId, label, createdAt, revokedAt: null } };
  }

  async authenticate(key: string): Promise<KeyCheck> {
    const parsed = parseApiKey(key);
    if (!parsed) return { kind: 'unknown' };
    return this.read(async (c): Promise<KeyCheck> => {
      const r = await c.query({
        name: 'fertility-authenticate',
        text: `SELECT k.id, k.tenant_id, k.revoked_at, t.name, t.created_at AS tenant_created_at
               FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = $1`,
        values: [parsed.hash],
      });
      const row = r.rows[0];
      if (!row || row.id !== parsed.id) return { kind: 'unknown' };
      const tenantId = row.tenant_id as string;
      if (row.revoked_at !== null) return { kind: 'revoked', tenantId, keyId: parsed.id };
      return {
        kind: 'ok',
        keyId: parsed.id,
        tenant: { id: tenantId, name: row.name as string, createdAt: iso(row.tenant_created_at) },
      };
    });
  }

  async revokeApiKey(keyId: string, options: { tenantId?: string } = {}): Promise<ApiKeyInfo> {
    if (!isKeyId(keyId)) {
      throw new StoreError('input-invalid', 'not a key id (16 hex digits, as shown by `key list`)', {
        path: 'keyId',
      });
    }
    const auditInput = checkAuditInput({ kind: 'key.revoked', payload: { keyId } });
    return this.write(async (c) => {
      const r = await c.query(
        'SELECT id, tenant_id, label, created_at, revoked_at FROM api_keys WHERE id = $1 FOR UPDATE',
        [keyId],
      );
      const row = r.rows[0];
      if (!row || (options.tenantId !== undefined && row.tenant_id !== options.tenantId)) {
        throw new StoreError('not-found', `no API key ${keyId}`, { path: 'keyId' });
      }
      if (row.revoked_at !== null) return toKeyInfo(row);
      const revokedAt = nowIso();
      await c.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2', [revokedAt, keyId]);
      await this.appendLocked(c, row.tenant_id as string, auditInput);
      return { ...toKeyInfo(row), revokedAt };
    });
  }

  listApiKeys(tenantId?: string): Promise<ApiKeyInfo[]> {
    return this.read(async (c) => {
      const cols = 'SELECT id, tenant_id, label, created_at, revoked_at FROM api_keys';
      const r =
        tenantId === undefined
          ? await c.query(`${cols} ORDER BY created_at DESC, id`)
          : await c.query(`${cols} WHERE tenant_id = $1 ORDER BY created_at DESC, id`, [tenantId]);
      return r.rows.map(toKeyInfo);
    });
  }

  hasAnyKey(): Promise<boolean> {
    return this.read(
      async (c) => (await c.query('SELECT EXISTS (SELECT 1 FROM api_keys) AS any')).rows[0]!.any === true,
    );
  }

  private async requireTenant(c: PoolClient, tenantId: string): Promise<void> {
    if (!isId(tenantId) || !(await c.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId])).rowCount) {
      throw new StoreError('not-found', `no tenant ${String(tenantId)}`, { path: 'tenantId' });
    }
  }

  // ── profiles and observations ─────────────────────────────────────────────────────────────

  async saveProfile(tenantId: string, input: ProfileInput): Promise<ProfileRecord> {
    const doc = checkProfileInput(input);
    const id = newId();
    const createdAt = nowIso();
    await this.write(async (c) => {
      await this.requireTenant(c, tenantId);
      await c.query(
        `INSERT INTO profiles (id, tenant_id, created_at, intake, profile, intake_hash, knowledge_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [id, tenantId, createdAt, doc.intakeText, doc.profileText, doc.intakeHash, doc.knowledgeVersion],
      );
    });
    return {
      id,
      tenantId,
      createdAt,
      intake: JSON.parse(doc.intakeText) as JsonObject,
      profile: JSON.parse(doc.profileText) as JsonObject,
      intakeHash: doc.intakeHash,
      knowledgeVersion: doc.knowledgeVersion,
    };
  }

  async getProfile(tenantId: string, id: string): Promise<ProfileRecord | null> {
    if (!isId(tenantId) || !isId(id)) return null;
    return this.read(async (c) => {
      const r = await c.query('SELECT * FROM profiles WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return r.rows[0] ? toProfile(r.rows[0]) : null;
    });
  }

  async listProfiles(tenantId: string, page: PageRequest = {}): Promise<Page<ProfileRecord>> {
    const limit = pageLimit(page.limit, 50, 500);
    const before = pageCursor(page.cursor) ?? Number.MAX_SAFE_INTEGER;
    if (!isId(tenantId)) return { items: [], nextCursor: null };
    return this.read(async (c) => {
      const r = await c.query(
        'SELECT * FROM profiles WHERE tenant_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
        [tenantId, before, limit + 1],
      );
      return toPage(r.rows, limit, toProfile);
    });
  }

  async saveObservations(tenantId: string, input: ObservationSetInput): Promise<ObservationSetRecord> {
    const doc = checkObservationInput(input);
    const rec: ObservationSetRecord = {
      id: newId(),
      tenantId,
      profileId: doc.profileId,
      partner: doc.partner,
      createdAt: nowIso(),
      report: doc.report,
      observationCount: doc.report.observations.length,
    };
    await this.write(async (c) => {
      await this.requireTenant(c, tenantId);
      if (
        doc.profileId !== null &&
        !(await c.query('SELECT 1 FROM profiles WHERE tenant_id = $1 AND id = $2', [tenantId, doc.profileId]))
          .rowCount
      ) {
        throw new StoreError('not-found', `no profile ${doc.profileId}`, { path: 'profileId' });
      }
      await c.query(
        `INSERT INTO observation_sets (id, tenant_id, profile_id, partner, created_at, report, observation_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [rec.id, tenantId, rec.profileId, rec.partner, rec.createdAt, doc.reportText, rec.observationCount],
      );
    });
    return rec;
  }

  async getObservations(tenantId: string, id: string): Promise<ObservationSetRecord | null> {
    if (!isId(tenantId) || !isId(id)) return null;
    return this.read(async (c) => {
      const r = await c.query('SELECT * FROM observation_sets WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        id,
      ]);
      return r.rows[0] ? toObservationSet(r.rows[0]) : null;
    });
  }

  async listObservations(
    tenantId: string,
    query: ObservationQuery = {},
  ): Promise<Page<ObservationSetRecord>> {
    const limit = pageLimit(query.limit, 50, 500);
    const before = pageCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER;
    if (!isId(tenantId)) return { items: [], nextCursor: null };
    if (query.profileId !== undefined && !isId(query.profileId)) return { items: [], nextCursor: null };
    return this.read(async (c) => {
      const r =
        query.profileId === undefined
          ? await c.query(
              'SELECT * FROM observation_sets WHERE tenant_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
              [tenantId, before, limit + 1],
            )
          : await c.query(
              `SELECT * FROM observation_sets WHERE tenant_id = $1 AND profile_id = $2 AND seq < $3
               ORDER BY seq DESC LIMIT $4`,
              [tenantId, query.profileId, before, limit + 1],
            );
      return toPage(r.rows, limit, toObservationSet);
    });
  }

  // ── audit log ─────────────────────────────────────────────────────────────────────────────

  async appendAudit(tenantId: string, input: AuditInput): Promise<AuditRecord> {
    const checked = checkAuditInput(input);
    return this.write((c) => this.appendLocked(c, tenantId, checked));
  }

  /** Several records in one transaction (one commit); added for the HTTP group commit. */
  async appendAuditBatch(tenantId: string, inputs: readonly AuditInput[]): Promise<AuditRecord[]> {
    const checked = checkAuditInputs(inputs);
    if (checked.length === 0) return [];
    return this.write(async (c) => {
      // One commit runs one statement per new record instead of four: the head row stays locked
      // until the commit, so it is read once for the batch; the ids already stored (a retried
      // batch) are looked up together; each record is inserted and the head advanced together.
      const head = await this.lockHead(c, tenantId);
      const stored = new Map<string, Row>();
      const found = await c.query({
        name: 'fertility-audit-by-ids',
        text: 'SELECT * FROM audit_log WHERE id = ANY($1)',
        values: [checked.map((one) => one.id)],
      });
      for (const row of found.rows) stored.set(row.id as string, row);
      const seen = new Set<string>();
      const out: AuditRecord[] = [];
      for (const one of checked) {
        if (seen.has(one.id)) {
          // The same id twice in one batch: look again, as a lone append would, to find the first.
          out.push(await this.appendAfter(c, tenantId, head, one));
          continue;
        }
        seen.add(one.id);
        const existing = stored.get(one.id);
        out.push(
          existing ? storedAudit(existing, tenantId, one.id) : await this.insertAfter(c, tenantId, head, one),
        );
      }
      return out;
    });
  }

  /**
   * Append inside an open transaction: lock the chain head (every process appending to this
   * tenant waits here), return the record if a previous try already committed it, else insert
   * the next record and advance the head.
   */
  private async appendLocked(c: PoolClient, tenantId: string, checked: CheckedAudit): Promise<AuditRecord> {
    return this.appendAfter(c, tenantId, await this.lockHead(c, tenantId), checked);
  }

  /** Lock and read a tenant's chain head, inside an open transaction. */
  private async lockHead(c: PoolClient, tenantId: string): Promise<{ seq: number; hash: string }> {
    const head = isId(tenantId)
      ? (
          await c.query({
            name: 'fertility-audit-head',
            text: 'SELECT seq, hash FROM audit_heads WHERE tenant_id = $1 FOR UPDATE',
            values: [tenantId],
          })
        ).rows[0]
      : undefined;
    if (!head) throw new StoreError('not-found', `no tenant ${String(tenantId)}`, { path: 'tenantId' });
    return { seq: Number(head.seq), hash: head.hash as string };
  }

  /** {@link appendLocked} after `head` (locked and current), which is advanced when a record is written. */
  private async appendAfter(
    c: PoolClient,
    tenantId: string,
    head: { seq: number; hash: string },
    checked: CheckedAudit,
  ): Promise<AuditRecord> {
    const existing = (
      await c.query({
        name: 'fertility-audit-by-id',
        text: 'SELECT * FROM audit_log WHERE id = $1',
        values: [checked.id],
      })
    ).rows[0];
    if (existing) return storedAudit(existing, tenantId, checked.id);
    return this.insertAfter(c, tenantId, head, checked);
  }

  /**
   * Insert the record that follows `head` and advance the head to it, in one statement (the
   * insert runs in a data-modifying WITH; its constraints and the head's forward-only trigger
   * apply as for two statements, and a failure of either fails both).
   */
  private async insertAfter(
    c: PoolClient,
    tenantId: string,
    head: { seq: number; hash: string },
    checked: CheckedAudit,
  ): Promise<AuditRecord> {
    const rec = nextAuditRecord(tenantId, head, checked);
    await c.query({
      name: 'fertility-audit-insert-advance',
      text: `WITH inserted AS (
               INSERT INTO audit_log (tenant_id, seq, id, at, kind, payload, prev_hash, hash)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8))
             UPDATE audit_heads SET seq = $2, hash = $8 WHERE tenant_id = $1`,
      values: [tenantId, rec.seq, rec.id, rec.at, rec.kind, checked.payloadText, rec.prevHash, rec.hash],
    });
    head.seq = rec.seq;
    head.hash = rec.hash;
    return rec;
  }

  async getAuditRecord(tenantId: string, seq: number): Promise<AuditRecord | null> {
    const n = seqNumber(seq, 'seq');
    if (!isId(tenantId)) return null;
    return this.read(async (c) => {
      const r = await c.query('SELECT * FROM audit_log WHERE tenant_id = $1 AND seq = $2', [tenantId, n]);
      return r.rows[0] ? toAudit(r.rows[0]) : null;
    });
  }

  async listAudit(
    tenantId: string,
    query: { afterSeq?: number; limit?: number } = {},
  ): Promise<AuditRecord[]> {
    const after = query.afterSeq === undefined ? 0 : seqNumber(query.afterSeq, 'afterSeq');
    const limit = pageLimit(query.limit, 100, 1000);
    if (!isId(tenantId)) return [];
    return this.read(async (c) => {
      const r = await c.query(
        'SELECT * FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [tenantId, after, limit],
      );
      return r.rows.map(toAudit);
    });
  }

  async verifyAudit(options: { tenantId?: string } = {}): Promise<AuditVerification> {
    const out: AuditVerification = { ok: true, chains: 0, records: 0, broken: [], heads: [] };
    const tenants =
      options.tenantId !== undefined
        ? isId(options.tenantId) &&
          (await this.read(
            async (c) => (await c.query('SELECT 1 FROM tenants WHERE id = $1', [options.tenantId])).rowCount,
          ))
          ? [options.tenantId]
          : []
        : await this.read(async (c) =>
            (
              await c.query(
                `SELECT id FROM tenants UNION SELECT tenant_id FROM audit_heads
                 UNION SELECT DISTINCT tenant_id FROM audit_log ORDER BY 1`,
              )
            ).rows.map((r) => r.id as string),
          );
    for (const tenantId of tenants) {
      // Head first, then only records up to it: appends that commit meanwhile are not judged.
      const headRow = await this.read(
        async (c) =>
          (await c.query('SELECT seq, hash FROM audit_heads WHERE tenant_id = $1', [tenantId])).rows[0],
      );
      const head = headRow ? { seq: Number(headRow.seq), hash: headRow.hash as string } : null;
      const walker = new ChainWalker(tenantId, head);
      let after = 0;
      for (;;) {
        const batch = await this.read(async (c) =>
          head
            ? (
                await c.query(
                  'SELECT * FROM audit_log WHERE tenant_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4',
                  [tenantId, after, head.seq, VERIFY_BATCH],
                )
              ).rows
            : (
                await c.query(
                  'SELECT * FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
                  [tenantId, after, VERIFY_BATCH],
                )
              ).rows,
        );
        for (const row of batch) {
          if (walker.feed(rawAudit(row))) break;
        }
        if (walker.firstBreak || batch.length < VERIFY_BATCH) break;
        after = Number(batch.at(-1)!.seq);
      }
      const broken = walker.finish();
      out.chains++;
      out.records += walker.records;
      if (broken) out.broken.push(broken);
      if (head) out.heads.push({ tenantId, seq: head.seq, hash: head.hash });
    }
    out.ok = out.broken.length === 0;
    return out;
  }

  // ── knowledge versions ────────────────────────────────────────────────────────────────────

  async publishKnowledge(input: KnowledgePublishInput): Promise<KnowledgePublication> {
    const c0 = checkPublishInput(input);
    const id = newId();
    return this.write(async (c) => {
      // One publisher at a time, so that publication numbers follow commit order.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fertility-publish:${this.schema}`]);
      const done = await c.query(
        `SELECT p.n, p.version, p.published_at, p.published_by, p.note, v.entry_count
         FROM knowledge_publications p JOIN knowledge_versions v ON v.version = p.version WHERE p.id = $1`,
        [id],
      );
      if (done.rows[0]) return toPublication(done.rows[0]);
      const stored = await c.query('SELECT content_hash FROM knowledge_versions WHERE version = $1', [
        c0.version,
      ]);
      if (stored.rows[0] && stored.rows[0].content_hash !== c0.contentHash) {
        throw new StoreError(
          'already-exists',
          `knowledge version ${c0.version} is already stored with different entries`,
          {
            path: 'version',
          },
        );
      }
      if (!stored.rows[0]) {
        await c.query(
          'INSERT INTO knowledge_versions (version, content_hash, entries, entry_count, created_at) VALUES ($1, $2, $3, $4, $5)',
          [c0.version, c0.contentHash, c0.entriesText, c0.entryCount, nowIso()],
        );
      }
      const publishedAt = nowIso();
      const r = await c.query(
        `INSERT INTO knowledge_publications (id, version, published_at, published_by, note)
         VALUES ($1, $2, $3, $4, $5) RETURNING n`,
        [id, c0.version, publishedAt, c0.publishedBy, c0.note],
      );
      const n = Number(r.rows[0]!.n);
      // Delivered to every LISTENer when this transaction commits, and not at all if it rolls back.
      await c.query('SELECT pg_notify($1, $2)', [this.channel, String(n)]);
      return {
        n,
        version: c0.version,
        publishedAt,
        publishedBy: c0.publishedBy,
        note: c0.note,
        entryCount: c0.entryCount,
      };
    });
  }

  currentKnowledge(): Promise<KnowledgePublication | null> {
    return this.read(async (c) => (await this.publications(c, 1))[0] ?? null);
  }

  async listKnowledgePublications(options: { limit?: number } = {}): Promise<KnowledgePublication[]> {
    const limit = pageLimit(options.limit, 100, 1000);
    return this.read((c) => this.publications(c, limit));
  }

  private async publications(c: PoolClient, limit: number, n?: number): Promise<KnowledgePublication[]> {
    const r = await c.query(
      `SELECT p.n, p.version, p.published_at, p.published_by, p.note, v.entry_count
       FROM knowledge_publications p JOIN knowledge_versions v ON v.version = p.version
       WHERE $2::bigint IS NULL OR p.n = $2 ORDER BY p.n DESC LIMIT $1`,
      [limit, n ?? null],
    );
    return r.rows.map(toPublication);
  }

  async getKnowledgeVersion(version: string): Promise<KnowledgeVersion | null> {
    if (typeof version !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(version)) return null;
    return this.read(async (c) => {
      const row = (await c.query('SELECT * FROM knowledge_versions WHERE version = $1', [version])).rows[0];
      if (!row) return null;
      return {
        version: row.version as string,
        contentHash: row.content_hash as string,
        entries: row.entries as JsonObject[],
        entryCount: row.entry_count as number,
        createdAt: iso(row.created_at),
      };
    });
  }

  async subscribe(listener: PublicationListener): Promise<() => Promise<void>> {
    if (this.closed) throw new StoreError('store-unavailable', 'the store is closed');
    this.listening ??= this.startListening();
    try {
      await this.listening;
    } catch (e) {
      this.listening = null;
      throw mapPgError(e, this.location);
    }
    const fanout = this.fanout!;
    fanout.add(listener);
    return async () => {
      fanout.remove(listener);
      if (fanout.size === 0 && this.fanout === fanout) await this.stopListening();
    };
  }

  private async startListening(): Promise<void> {
    const current = await this.currentKnowledge();
    const fanout = new PublicationFanout(current?.n ?? 0, this.onError);
    const listener = new PgListener(
      {
        ...this.config,
        application_name: `${this.config.application_name ?? 'fertility-engine'}-listen`,
        query_timeout: 5000,
      },
      this.channel,
      {
        onNotify: (payload) => void this.deliver(Number(payload)),
        onReconnected: () => void this.deliver(undefined),
        onError: this.onError,
      },
      { reconnectMaxMs: this.reconnectMaxMs, keepAliveMs: 15_000 },
    );
    await listener.start();
    this.fanout = fanout;
    this.listener = listener;
    // Anything published between reading `current` and LISTEN taking effect.
    await this.deliver(undefined);
  }

  /** Fetch publication `n` (or the current one) and offer it to the fan-out. */
  private async deliver(n: number | undefined): Promise<void> {
    const fanout = this.fanout;
    if (!fanout || this.closed) return;
    try {
      const p = await this.read((c) => this.publications(c, 1, Number.isSafeInteger(n) ? n : undefined));
      if (p[0]) fanout.offer(p[0]);
    } catch (e) {
      this.onError(new Error(`knowledge notifications: cannot read publication (${asError(e).message})`));
    }
  }

  private async stopListening(): Promise<void> {
    const listener = this.listener;
    this.fanout = null;
    this.listener = null;
    this.listening = null;
    if (listener) await listener.stop();
  }

  /** Whether the LISTEN connection is currently up (for health checks). */
  get notificationsConnected(): boolean {
    return this.listener?.connected ?? false;
  }

  ping(): Promise<void> {
    return this.read(async (c) => {
      await c.query('SELECT 1');
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopListening();
    await this.pool.end();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** pg returns timestamptz as Date; the port speaks ISO strings. */
function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

function toTenant(r: Row): Tenant {
  return { id: r.id as string, name: r.name as string, createdAt: iso(r.created_at) };
}

function toKeyInfo(r: Row): ApiKeyInfo {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    label: (r.label as string | null) ?? null,
    createdAt: iso(r.created_at),
    revokedAt: r.revoked_at === null ? null : iso(r.revoked_at),
  };
}

function toProfile(r: Row): ProfileRecord {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    createdAt: iso(r.created_at),
    intake: r.intake as JsonObject,
    profile: r.profile as JsonObject,
    intakeHash: r.intake_hash as string,
    knowledgeVersion: (r.knowledge_version as string | null) ?? null,
  };
}

function toObservationSet(r: Row): ObservationSetRecord {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    profileId: (r.profile_id as string | null) ?? null,
    partner: (r.partner as 'female' | 'male' | null) ?? null,
    createdAt: iso(r.created_at),
    report: r.report as NormalizedReport,
    observationCount: r.observation_count as number,
  };
}

// pg parses `json` columns while reading the row; PostgreSQL validated them on the way in, so a
// payload always parses here.
function rawAudit(r: Row): RawAuditRow {
  return {
    seq: Number(r.seq),
    id: r.id as string,
    at: r.at as string,
    kind: r.kind as string,
    payload: r.payload as unknown,
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}

/** A record already stored under an id being appended: returned as is when it is this tenant's. */
function storedAudit(row: Row, tenantId: string, id: string): AuditRecord {
  if (row.tenant_id !== tenantId) {
    throw new StoreError('already-exists', `audit record id ${id} is already used`, { path: 'id' });
  }
  return toAudit(row);
}

function toAudit(r: Row): AuditRecord {
  return { ...rawAudit(r), tenantId: r.tenant_id as string, payload: r.payload as JsonObject };
}

function toPublication(r: Row): KnowledgePublication {
  return {
    n: Number(r.n),
    version: r.version as string,
    publishedAt: iso(r.published_at),
    publishedBy: r.published_by as string,
    note: (r.note as string | null) ?? null,
    entryCount: r.entry_count as number,
  };
}

function toPage<T>(rows: Row[], limit: number, map: (r: Row) => T): Page<T> {
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: more ? String(Number(items.at(-1)!.seq)) : null };
}
