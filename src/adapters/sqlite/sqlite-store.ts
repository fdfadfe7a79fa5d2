/**
 * @module adapters/sqlite/sqlite-store
 * The embedded store: one SQLite file (better-sqlite3 12) in WAL mode, serving one clinic from
 * one process, or a few processes on one machine. Every statement is prepared once.
 *
 * Why these settings:
 * - WAL lets readers proceed while one writer commits; `busy_timeout` makes a second process
 *   wait for the write lock instead of failing at once.
 * - `synchronous = FULL`: an acknowledged audit record must survive a power cut, and in WAL mode
 *   NORMAL can lose the last commits on power loss. The cost is one fsync per commit.
 * - Every write that reads state first runs in `BEGIN IMMEDIATE`, so the write lock is taken before
 *   the read: two processes appending to one chain serialize instead of both reading the same head.
 * - Knowledge publications by other processes are noticed by polling `PRAGMA data_version`
 *   (a counter SQLite bumps when another connection commits; reading it does no I/O), then one
 *   indexed query; publications made through this instance are delivered at once.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  GENESIS_HASH,
  StoreError,
  type ApiKeyInfo,
  type AuditInput,
  type AuditRecord,
  type AuditVerification,
  type CreatedApiKey,
  type JsonObject,
  type KeyCheck,
  type KnowledgePublication,
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
  parseStoredJson,
  pendingMigrations,
  readMigrationFiles,
  seqNumber,
  tenantName,
  checkObservationInput,
  checkProfileInput,
  type CheckedAudit,
  type RawAuditRow,
} from '../store-core.js';

/** Options of the SQLite store. */
export interface SqliteStoreOptions extends StoreOptions {
  /** How long a writer waits for another process's write lock before `store-unavailable`. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** How often `subscribe` checks for publications by other processes. Default 250 ms. */
  pollMs?: number;
}

type Row = Record<string, unknown>;
type Stmt = Database.Statement<unknown[], Row>;

// Verification reads the log in batches of this many records, keeping memory flat on long chains.
const VERIFY_BATCH = 1000;

/**
 * Open (creating if needed) and migrate a SQLite store at `path` (`:memory:` for a private
 * in-memory database). Throws `store-unavailable` when the file cannot be opened, and the
 * migration issues when the schema is not one this engine can use.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (e) {
    throw new StoreError('store-unavailable', `cannot open SQLite database ${path}: ${asError(e).message}`, {
      cause: e,
    });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return new SqliteStore(db, path, options);
  } catch (e) {
    db.close();
    throw mapError(e, path);
  }
}

function migrate(db: Database.Database, where: string): void {
  const files = readMigrationFiles('sqlite');
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`);
    const applied = db
      .prepare('SELECT version, checksum FROM schema_migrations ORDER BY version')
      .all() as Array<{
      version: number;
      checksum: string;
    }>;
    const insert = db.prepare(
      'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
    );
    for (const m of pendingMigrations(files, applied, `SQLite database ${where}`)) {
      db.exec(m.sql);
      insert.run(m.version, m.name, m.checksum, nowIso());
    }
  }).immediate();
}

/** Map driver errors to {@link StoreError}; leave our own errors alone. */
function mapError(e: unknown, path: string): Error {
  if (e instanceof StoreError) return e;
  const err = asError(e);
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return new StoreError(
        'store-unavailable',
        `the SQLite database ${path} is locked by another writer: ${err.message}`,
        {
          retryable: true,
          details: { cause: code },
          cause: e,
        },
      );
    }
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return new StoreError('already-exists', err.message, { cause: e });
    }
    if (/^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|PERM)/.test(code)) {
      return new StoreError(
        'store-unavailable',
        `the SQLite database ${path} cannot be used: ${err.message}`,
        {
          details: { cause: code },
          cause: e,
        },
      );
    }
  }
  return err;
}

/** The SQLite implementation of {@link Store}. Construct with {@link openSqliteStore}. */
export class SqliteStore implements Store {
  readonly driver = 'sqlite' as const;
  readonly location: string;
  private readonly path: string;
  private readonly db: Database.Database;
  private readonly onError: (e: Error) => void;
  private readonly pollMs: number;
  private closed = false;
  private fanout: PublicationFanout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private dataVersion = 0;
  private readonly s: Record<string, Stmt>;

  constructor(db: Database.Database, path: string, options: SqliteStoreOptions) {
    this.db = db;
    this.path = path;
    this.location = path === ':memory:' ? 'sqlite::memory:' : `sqlite:${path}`;
    this.onError = options.onBackgroundError ?? (() => {});
    this.pollMs = options.pollMs ?? 250;
    const p = (sql: string): Stmt => db.prepare(sql);
    this.s = {
      tenantById: p('SELECT id, name, created_at FROM tenants WHERE id = ?'),
      tenantByName: p('SELECT id, name, created_at FROM tenants WHERE name = ?'),
      tenants: p('SELECT id, name, created_at FROM tenants ORDER BY name'),
      insertTenant: p('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)'),
      insertHead: p('INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (?, 0, ?)'),
      head: p('SELECT seq, hash FROM audit_heads WHERE tenant_id = ?'),
      setHead: p('UPDATE audit_heads SET seq = ?, hash = ? WHERE tenant_id = ?'),
      auditById: p('SELECT * FROM audit_log WHERE id = ?'),
      insertAudit: p(
        'INSERT INTO audit_log (tenant_id, seq, id, at, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      auditBySeq: p('SELECT * FROM audit_log WHERE tenant_id = ? AND seq = ?'),
      auditAfter: p('SELECT * FROM audit_log WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
      auditAfterUpTo: p(
        'SELECT * FROM audit_log WHERE tenant_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      ),
      chainTenants: p(
        `SELECT id FROM tenants UNION SELECT tenant_id FROM audit_heads
         UNION SELECT DISTINCT tenant_id FROM audit_log ORDER BY 1`,
      ),
      insertKey: p(
        'INSERT INTO api_keys (id, tenant_id, key_hash, label, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      keyById: p('SELECT id, tenant_id, label, created_at, revoked_at FROM api_keys WHERE id = ?'),
      keyByHash: p(
        `SELECT k.id, k.tenant_id, k.revoked_at, t.name, t.created_at AS tenant_created_at
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = ?`,
      ),
      revokeKey: p('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      keys: p(
        'SELECT id, tenant_id, label, created_at, revoked_at FROM api_keys ORDER BY created_at DESC, id',
      ),
      keysOf: p(
        'SELECT id, tenant_id, label, created_at, revoked_at FROM api_keys WHERE tenant_id = ? ORDER BY created_at DESC, id',
      ),
      anyKey: p('SELECT EXISTS (SELECT 1 FROM api_keys) AS any'),
      insertProfile: p(
        `INSERT INTO profiles (id, tenant_id, created_at, intake, profile, intake_hash, knowledge_version)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
      ),
      profile: p('SELECT * FROM profiles WHERE tenant_id = ? AND id = ?'),
      profiles: p('SELECT * FROM profiles WHERE tenant_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
      insertObs: p(
        `INSERT INTO observation_sets (id, tenant_id, profile_id, partner, created_at, report, observation_count)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      obs: p('SELECT * FROM observation_sets WHERE tenant_id = ? AND id = ?'),
      obsList: p('SELECT * FROM observation_sets WHERE tenant_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
      obsOfProfile: p(
        'SELECT * FROM observation_sets WHERE tenant_id = ? AND profile_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
      versionHash: p('SELECT content_hash FROM knowledge_versions WHERE version = ?'),
      insertVersion: p(
        'INSERT INTO knowledge_versions (version, content_hash, entries, entry_count, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      insertPublication: p(
        'INSERT INTO knowledge_publications (id, version, published_at, published_by, note) VALUES (?, ?, ?, ?, ?) RETURNING n',
      ),
      publications: p(
        `SELECT p.n, p.version, p.published_at, p.published_by, p.note, v.entry_count
         FROM knowledge_publications p JOIN knowledge_versions v ON v.version = p.version ORDER BY p.n DESC LIMIT ?`,
      ),
      maxPublication: p('SELECT COALESCE(MAX(n), 0) AS n FROM knowledge_publications'),
      version: p('SELECT * FROM knowledge_versions WHERE version = ?'),
      ping: p('SELECT 1 AS one'),
    };
  }

  /** Run synchronous work as the async port expects, with errors mapped. */
  private run<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('store-unavailable', 'the store is closed'));
    try {
      return Promise.resolve(work());
    } catch (e) {
      return Promise.reject(mapError(e, this.path));
    }
  }

  /** A write transaction that takes the write lock before reading (BEGIN IMMEDIATE). */
  private write<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  // ── tenants and keys ──────────────────────────────────────────────────────────────────────

  createTenant(name: string): Promise<Tenant> {
    return this.run(() => {
      const n = tenantName(name);
      return this.write(() => {
        if (this.s.tenantByName!.get(n)) {
          throw new StoreError('already-exists', `a tenant named "${n}" already exists`, { path: 'name' });
        }
        return this.insertTenant(n);
      });
    });
  }

  ensureTenant(name: string): Promise<Tenant> {
    return this.run(() => {
      const n = tenantName(name);
      return this.write(() => {
        const found = this.s.tenantByName!.get(n);
        return found ? toTenant(found) : this.insertTenant(n);
      });
    });
  }

  private insertTenant(name: string): Tenant {
    const tenant: Tenant = { id: newId(), name, createdAt: nowIso() };
    this.s.insertTenant!.run(tenant.id, tenant.name, tenant.createdAt);
    this.s.insertHead!.run(tenant.id, GENESIS_HASH);
    this.appendLocked(tenant.id, checkAuditInput({ kind: 'tenant.created', payload: { name } }));
    return tenant;
  }

  getTenant(idOrName: string): Promise<Tenant | null> {
    return this.run(() => {
      if (typeof idOrName !== 'string') return null;
      const row =
        (isId(idOrName) ? this.s.tenantById!.get(idOrName) : undefined) ?? this.s.tenantByName!.get(idOrName);
      return row ? toTenant(row) : null;
    });
  }

  listTenants(): Promise<Tenant[]> {
    return this.run(() => this.s.tenants!.all().map(toTenant));
  }

  createApiKey(tenantId: string, options: { label?: string | null } = {}): Promise<CreatedApiKey> {
    return this.run(() => {
      const label = optionalText(options.label, 'label', 100);
      return this.write(() => {
        this.requireTenant(tenantId);
        const k = generateApiKey();
        const createdAt = nowIso();
        this.s.insertKey!.run(k.id, tenantId, k.hash, label, createdAt);
        this.appendLocked(
          tenantId,
          checkAuditInput({ kind: 'key.created', payload: { keyId: k.id, label } }),
        );
        return { key: k.key, info: { id: k.id, tenantId, label, createdAt, revokedAt: null } };
      });
    });
  }

  authenticate(key: string): Promise<KeyCheck> {
    return this.run((): KeyCheck => {
      const parsed = parseApiKey(key);
      if (!parsed) return { kind: 'unknown' };
      const row = this.s.keyByHash!.get(parsed.hash);
      if (!row || row.id !== parsed.id) return { kind: 'unknown' };
      const tenantId = row.tenant_id as string;
      if (row.revoked_at !== null) return { kind: 'revoked', tenantId, keyId: parsed.id };
      return {
        kind: 'ok',
        keyId: parsed.id,
        tenant: { id: tenantId, name: row.name as string, createdAt: row.tenant_created_at as string },
      };
    });
  }

  revokeApiKey(keyId: string, options: { tenantId?: string } = {}): Promise<ApiKeyInfo> {
    return this.run(() => {
      if (!isKeyId(keyId)) {
        throw new StoreError('input-invalid', 'not a key id (16 hex digits, as shown by `key list`)', {
          path: 'keyId',
        });
      }
      return this.write(() => {
        const row = this.s.keyById!.get(keyId);
        if (!row || (options.tenantId !== undefined && row.tenant_id !== options.tenantId)) {
          throw new StoreError('not-found', `no API key ${keyId}`, { path: 'keyId' });
        }
        if (row.revoked_at === null) {
          this.s.revokeKey!.run(nowIso(), keyId);
          this.appendLocked(
            row.tenant_id as string,
            checkAuditInput({ kind: 'key.revoked', payload: { keyId } }),
          );
        }
        return toKeyInfo(this.s.keyById!.get(keyId)!);
      });
    });
  }

  listApiKeys(tenantId?: string): Promise<ApiKeyInfo[]> {
    return this.run(() =>
      (tenantId === undefined ? this.s.keys!.all() : this.s.keysOf!.all(tenantId)).map(toKeyInfo),
    );
  }

  hasAnyKey(): Promise<boolean> {
    return this.run(() => this.s.anyKey!.get()!.any === 1);
  }

  private requireTenant(tenantId: string): void {
    if (!isId(tenantId) || !this.s.tenantById!.get(tenantId)) {
      throw new StoreError('not-found', `no tenant ${String(tenantId)}`, { path: 'tenantId' });
    }
  }

  // ── profiles and observations ─────────────────────────────────────────────────────────────

  saveProfile(tenantId: string, input: ProfileInput): Promise<ProfileRecord> {
    return this.run(() => {
      const doc = checkProfileInput(input);
      return this.write(() => {
        this.requireTenant(tenantId);
        const id = newId();
        const createdAt = nowIso();
        this.s.insertProfile!.get(
          id,
          tenantId,
          createdAt,
          doc.intakeText,
          doc.profileText,
          doc.intakeHash,
          doc.knowledgeVersion,
        );
        return {
          id,
          tenantId,
          createdAt,
          intake: JSON.parse(doc.intakeText) as JsonObject,
          profile: JSON.parse(doc.profileText) as JsonObject,
          intakeHash: doc.intakeHash,
          knowledgeVersion: doc.knowledgeVersion,
        };
      });
    });
  }

  getProfile(tenantId: string, id: string): Promise<ProfileRecord | null> {
    return this.run(() => {
      if (!isId(tenantId) || !isId(id)) return null;
      const row = this.s.profile!.get(tenantId, id);
      return row ? toProfile(row) : null;
    });
  }

  listProfiles(tenantId: string, page: PageRequest = {}): Promise<Page<ProfileRecord>> {
    return this.run(() => {
      const limit = pageLimit(page.limit, 50, 500);
      const before = pageCursor(page.cursor) ?? Number.MAX_SAFE_INTEGER;
      if (!isId(tenantId)) return { items: [], nextCursor: null };
      return toPage(this.s.profiles!.all(tenantId, before, limit + 1), limit, toProfile);
    });
  }

  saveObservations(tenantId: string, input: ObservationSetInput): Promise<ObservationSetRecord> {
    return this.run(() => {
      const doc = checkObservationInput(input);
      return this.write(() => {
        this.requireTenant(tenantId);
        if (doc.profileId !== null && !this.s.profile!.get(tenantId, doc.profileId)) {
          throw new StoreError('not-found', `no profile ${doc.profileId}`, { path: 'profileId' });
        }
        const rec: ObservationSetRecord = {
          id: newId(),
          tenantId,
          profileId: doc.profileId,
          partner: doc.partner,
          createdAt: nowIso(),
          report: doc.report,
          observationCount: doc.report.observations.length,
        };
        this.s.insertObs!.run(
          rec.id,
          tenantId,
          rec.profileId,
          rec.partner,
          rec.createdAt,
          doc.reportText,
          rec.observationCount,
        );
        return rec;
      });
    });
  }

  getObservations(tenantId: string, id: string): Promise<ObservationSetRecord | null> {
    return this.run(() => {
      if (!isId(tenantId) || !isId(id)) return null;
      const row = this.s.obs!.get(tenantId, id);
      return row ? toObservationSet(row) : null;
    });
  }

  listObservations(tenantId: string, query: ObservationQuery = {}): Promise<Page<ObservationSetRecord>> {
    return this.run(() => {
      const limit = pageLimit(query.limit, 50, 500);
      const before = pageCursor(query.cursor) ?? Number.MAX_SAFE_INTEGER;
      if (!isId(tenantId)) return { items: [], nextCursor: null };
      if (query.profileId !== undefined) {
        if (!isId(query.profileId)) return { items: [], nextCursor: null };
        return toPage(
          this.s.obsOfProfile!.all(tenantId, query.profileId, before, limit + 1),
          limit,
          toObservationSet,
        );
      }
      return toPage(this.s.obsList!.all(tenantId, before, limit + 1), limit, toObservationSet);
    });
  }

  // ── audit log ─────────────────────────────────────────────────────────────────────────────

  appendAudit(
    tenantId: string,
    input: { kind: string; payload: JsonObject; id?: string },
  ): Promise<AuditRecord> {
    return this.run(() => {
      const checked = checkAuditInput(input);
      return this.write(() => this.appendLocked(tenantId, checked));
    });
  }

  /** Several records in one write transaction (one commit); added for the HTTP group commit. */
  appendAuditBatch(tenantId: string, inputs: readonly AuditInput[]): Promise<AuditRecord[]> {
    return this.run(() => {
      const checked = checkAuditInputs(inputs);
      if (checked.length === 0) return [];
      return this.write(() => {
        // The transaction holds the write lock: the head read once is the head for every record.
        const head = this.lockedHead(tenantId);
        return checked.map((c) => this.appendAfter(tenantId, head, c));
      });
    });
  }

  /** Append inside an open write transaction. A record with the same id already stored is returned as is. */
  private appendLocked(tenantId: string, checked: CheckedAudit): AuditRecord {
    return this.appendAfter(tenantId, this.lockedHead(tenantId), checked);
  }

  /** The chain head of a tenant, read inside an open write transaction. */
  private lockedHead(tenantId: string): { seq: number; hash: string } {
    const head = isId(tenantId) ? this.s.head!.get(tenantId) : undefined;
    if (!head) throw new StoreError('not-found', `no tenant ${String(tenantId)}`, { path: 'tenantId' });
    return { seq: head.seq as number, hash: head.hash as string };
  }

  /** {@link appendLocked} after `head` (the current head), which is advanced when a record is written. */
  private appendAfter(
    tenantId: string,
    head: { seq: number; hash: string },
    checked: CheckedAudit,
  ): AuditRecord {
    const existing = this.s.auditById!.get(checked.id);
    if (existing) {
      if (existing.tenant_id !== tenantId) {
        throw new StoreError('already-exists', `audit record id ${checked.id} is already used`, {
          path: 'id',
        });
      }
      return toAudit(existing);
    }
    const rec = nextAuditRecord(tenantId, head, checked);
    this.s.insertAudit!.run(
      tenantId,
      rec.seq,
      rec.id,
      rec.at,
      rec.kind,
      checked.payloadText,
      rec.prevHash,
      rec.hash,
    );
    this.s.setHead!.run(rec.seq, rec.hash, tenantId);
    head.seq = rec.seq;
    head.hash = rec.hash;
    return rec;
  }

  getAuditRecord(tenantId: string, seq: number): Promise<AuditRecord | null> {
    return this.run(() => {
      const n = seqNumber(seq, 'seq');
      if (!isId(tenantId)) return null;
      const row = this.s.auditBySeq!.get(tenantId, n);
      return row ? toAudit(row) : null;
    });
  }

  listAudit(tenantId: string, query: { afterSeq?: number; limit?: number } = {}): Promise<AuditRecord[]> {
    return this.run(() => {
      const after = query.afterSeq === undefined ? 0 : seqNumber(query.afterSeq, 'afterSeq');
      const limit = pageLimit(query.limit, 100, 1000);
      if (!isId(tenantId)) return [];
      return this.s.auditAfter!.all(tenantId, after, limit).map(toAudit);
    });
  }

  verifyAudit(options: { tenantId?: string } = {}): Promise<AuditVerification> {
    return this.run(() => {
      const tenants =
        options.tenantId !== undefined
          ? isId(options.tenantId) && this.s.tenantById!.get(options.tenantId)
            ? [options.tenantId]
            : []
          : this.s.chainTenants!.all().map((r) => r.id as string);
      const out: AuditVerification = { ok: true, chains: 0, records: 0, broken: [], heads: [] };
      for (const tenantId of tenants) {
        // Head first, then only records up to it: appends that commit meanwhile are not judged.
        const headRow = this.s.head!.get(tenantId);
        const head = headRow ? { seq: headRow.seq as number, hash: headRow.hash as string } : null;
        const walker = new ChainWalker(tenantId, head);
        let after = 0;
        for (;;) {
          const batch = head
            ? this.s.auditAfterUpTo!.all(tenantId, after, head.seq, VERIFY_BATCH)
            : this.s.auditAfter!.all(tenantId, after, VERIFY_BATCH);
          for (const row of batch) {
            if (walker.feed(rawAudit(row))) break;
          }
          if (walker.firstBreak || batch.length < VERIFY_BATCH) break;
          after = batch.at(-1)!.seq as number;
        }
        const broken = walker.finish();
        out.chains++;
        out.records += walker.records;
        if (broken) out.broken.push(broken);
        if (head) out.heads.push({ tenantId, seq: head.seq, hash: head.hash });
      }
      out.ok = out.broken.length === 0;
      return out;
    });
  }

  // ── knowledge versions ────────────────────────────────────────────────────────────────────

  publishKnowledge(input: {
    version: string;
    entries: JsonObject[];
    publishedBy: string;
    note?: string | null;
  }): Promise<KnowledgePublication> {
    return this.run(() => {
      const c = checkPublishInput(input);
      const publication = this.write((): KnowledgePublication => {
        const stored = this.s.versionHash!.get(c.version);
        if (stored && stored.content_hash !== c.contentHash) {
          throw new StoreError(
            'already-exists',
            `knowledge version ${c.version} is already stored with different entries`,
            { path: 'version' },
          );
        }
        if (!stored)
          this.s.insertVersion!.run(c.version, c.contentHash, c.entriesText, c.entryCount, nowIso());
        const publishedAt = nowIso();
        const row = this.s.insertPublication!.get(newId(), c.version, publishedAt, c.publishedBy, c.note)!;
        return {
          n: row.n as number,
          version: c.version,
          publishedAt,
          publishedBy: c.publishedBy,
          note: c.note,
          entryCount: c.entryCount,
        };
      });
      // Our own commit does not change data_version for this connection: deliver directly.
      this.fanout?.offer(publication);
      return publication;
    });
  }

  currentKnowledge(): Promise<KnowledgePublication | null> {
    return this.run(() => {
      const row = this.s.publications!.get(1);
      return row ? toPublication(row) : null;
    });
  }

  listKnowledgePublications(options: { limit?: number } = {}): Promise<KnowledgePublication[]> {
    return this.run(() => this.s.publications!.all(pageLimit(options.limit, 100, 1000)).map(toPublication));
  }

  getKnowledgeVersion(version: string): Promise<KnowledgeVersion | null> {
    return this.run(() => {
      if (typeof version !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(version)) return null;
      const row = this.s.version!.get(version);
      if (!row) return null;
      return {
        version: row.version as string,
        contentHash: row.content_hash as string,
        entries: parseStoredJson(row.entries, 'knowledge entries') as JsonObject[],
        entryCount: row.entry_count as number,
        createdAt: row.created_at as string,
      };
    });
  }

  subscribe(listener: PublicationListener): Promise<() => Promise<void>> {
    return this.run(() => {
      if (!this.fanout) {
        this.fanout = new PublicationFanout(this.s.maxPublication!.get()!.n as number, this.onError);
        this.dataVersion = this.db.pragma('data_version', { simple: true }) as number;
        this.pollTimer = setInterval(() => this.poll(), this.pollMs);
        // A subscription must not keep a CLI process or a test alive on its own.
        this.pollTimer.unref();
      }
      const fanout = this.fanout;
      fanout.add(listener);
      return () => {
        fanout.remove(listener);
        if (fanout.size === 0 && this.fanout === fanout) this.stopPolling();
        return Promise.resolve();
      };
    });
  }

  private poll(): void {
    if (this.closed || !this.fanout) return;
    try {
      const v = this.db.pragma('data_version', { simple: true }) as number;
      if (v === this.dataVersion) return;
      this.dataVersion = v;
      const latest = this.s.publications!.get(1);
      if (latest) this.fanout.offer(toPublication(latest));
    } catch (e) {
      this.onError(mapError(e, this.path));
    }
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.fanout = null;
  }

  ping(): Promise<void> {
    return this.run(() => {
      this.s.ping!.get();
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.stopPolling();
    this.closed = true;
    this.db.close();
    return Promise.resolve();
  }
}

// ── row mapping ──────────────────────────────────────────────────────────────────────────────

function toTenant(r: Row): Tenant {
  return { id: r.id as string, name: r.name as string, createdAt: r.created_at as string };
}

function toKeyInfo(r: Row): ApiKeyInfo {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    label: (r.label as string | null) ?? null,
    createdAt: r.created_at as string,
    revokedAt: (r.revoked_at as string | null) ?? null,
  };
}

function toProfile(r: Row): ProfileRecord {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    createdAt: r.created_at as string,
    intake: parseStoredJson(r.intake, 'intake') as JsonObject,
    profile: parseStoredJson(r.profile, 'profile') as JsonObject,
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
    createdAt: r.created_at as string,
    report: parseStoredJson(r.report, 'report') as unknown as NormalizedReport,
    observationCount: r.observation_count as number,
  };
}

/** A stored audit row as the chain walker sees it (the payload may fail to parse). */
function rawAudit(r: Row): RawAuditRow {
  let payload: unknown = null;
  let payloadError: string | undefined;
  try {
    payload = parseStoredJson(r.payload, 'audit payload');
  } catch (e) {
    payloadError = asError(e).message;
  }
  const raw: RawAuditRow = {
    seq: r.seq as number,
    id: r.id as string,
    at: r.at as string,
    kind: r.kind as string,
    payload,
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
  if (payloadError !== undefined) raw.payloadError = payloadError;
  return raw;
}

function toAudit(r: Row): AuditRecord {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    seq: r.seq as number,
    at: r.at as string,
    kind: r.kind as string,
    payload: parseStoredJson(r.payload, 'audit payload') as JsonObject,
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}

function toPublication(r: Row): KnowledgePublication {
  return {
    n: r.n as number,
    version: r.version as string,
    publishedAt: r.published_at as string,
    publishedBy: r.published_by as string,
    note: (r.note as string | null) ?? null,
    entryCount: r.entry_count as number,
  };
}

function toPage<T>(rows: Row[], limit: number, map: (r: Row) => T): Page<T> {
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: more ? String(items.at(-1)!.seq as number) : null };
}
