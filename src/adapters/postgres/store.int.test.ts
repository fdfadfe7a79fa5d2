// The store contract against a real PostgreSQL (FERTILITY_TEST_PG, default the local server),
// each test in its own schema, dropped afterwards; plus the faults only a server has: it is not
// there, it goes away and comes back (simulated with a TCP proxy we can cut, so the shared
// server keeps running for everyone else), and connections killed with pg_terminate_backend.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { KnowledgePublication } from '../../ports/store.js';
import { expectStoreError, runStoreContract, waitFor, type RawDb } from '../store.contract.js';
import { openPostgresStore, type PostgresStore, type PostgresStoreOptions } from './pg-store.js';
import { CuttableProxy, describeWithPostgres, TEST_PG_URL, withSchema } from './testing.js';

const PG_URL = TEST_PG_URL;

await describeWithPostgres('postgres store', definePostgresTests);

function definePostgresTests(): void {
  const runId = `test_${randomBytes(4).toString('hex')}`;
  let counter = 0;
  const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
  admin.on('error', () => {});

  afterAll(async () => {
    // Whatever a failed test left behind.
    const left = await admin.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '\\_%'",
      [runId],
    );
    for (const { nspname } of left.rows) await admin.query(`DROP SCHEMA IF EXISTS ${nspname} CASCADE`);
    await admin.end();
  });

  const newSchema = (): string => `${runId}_${counter++}`;
  const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  const opts = (schema: string, extra: PostgresStoreOptions = {}): PostgresStoreOptions => ({
    schema,
    poolMax: 4,
    applicationName: `fertility-${schema}`,
    ...extra,
  });

  /** Raw SQL in the store's schema, with `?` placeholders. */
  async function rawDb(schema: string): Promise<{ raw: RawDb; close: () => Promise<void> }> {
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    client.on('error', () => {});
    await client.connect();
    const numbered = (sql: string) => {
      let i = 0;
      return sql.replace(/\?/g, () => `$${++i}`);
    };
    const raw: RawDb = {
      all: async (sql, params = []) =>
        (await client.query(numbered(sql), params)).rows as Array<Record<string, unknown>>,
      run: async (sql, params = []) => {
        await client.query(numbered(sql), params);
      },
      dropAuditGuards: async () => {
        await client.query(
          'ALTER TABLE audit_log DISABLE TRIGGER USER; ALTER TABLE audit_heads DISABLE TRIGGER USER',
        );
      },
      dump: async () => {
        const tables = await client.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
          [schema],
        );
        const parts: string[] = [];
        for (const { table_name } of tables.rows) {
          parts.push(JSON.stringify((await client.query(`SELECT * FROM ${schema}.${table_name}`)).rows));
        }
        return parts.join('\n');
      },
    };
    return { raw, close: () => client.end() };
  }

  runStoreContract({
    name: 'postgres',
    async fresh() {
      const schema = newSchema();
      const store = await openPostgresStore(PG_URL, opts(schema));
      const { raw, close } = await rawDb(schema);
      return {
        store,
        raw,
        url: withSchema(PG_URL, schema),
        openAnother: (options) => openPostgresStore(PG_URL, opts(schema, options)),
        dispose: async () => {
          await store.close();
          await close();
          await dropSchema(schema);
        },
      };
    },
  });

  describe('postgres faults', () => {
    it('an unreachable server is a retryable store-unavailable that names the server, never its password', async () => {
      const started = Date.now();
      const e = await expectStoreError(
        openPostgresStore('postgres://postgres:hunter2@127.0.0.1:1/test', {
          maxAttempts: 2,
          connectTimeoutMs: 1000,
        }),
        'store-unavailable',
      );
      expect(e.retryable).toBe(true);
      expect(e.message).toContain('127.0.0.1:1');
      expect(e.message).not.toContain('hunter2');
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('fails fast while the server is away, recovers when it is back, and loses no acknowledged record', async () => {
      const schema = newSchema();
      const proxy = new CuttableProxy(PG_URL);
      await proxy.start();
      const errors: Error[] = [];
      const store = await openPostgresStore(
        proxy.url(schema),
        opts(schema, { maxAttempts: 2, connectTimeoutMs: 1000, onBackgroundError: (e) => errors.push(e) }),
      );
      try {
        const t = await store.createTenant('clinic-a');
        const p = await store.saveProfile(t.id, { intake: { female: { age: 34 } }, profile: {} });
        const acked = [
          await store.appendAudit(t.id, { kind: 'answer', payload: { n: 1 } }),
          await store.appendAudit(t.id, { kind: 'answer', payload: { n: 2 } }),
        ];

        await proxy.cut();
        const down = await expectStoreError(
          store.appendAudit(t.id, { kind: 'answer', payload: { n: 3 } }),
          'store-unavailable',
        );
        expect(down.retryable).toBe(true);
        await expectStoreError(store.getProfile(t.id, p.id), 'store-unavailable');
        await expectStoreError(store.ping(), 'store-unavailable');

        await proxy.start();
        const after = await store.appendAudit(t.id, { kind: 'answer', payload: { n: 4 } });
        expect(await store.getProfile(t.id, p.id)).toEqual(p);

        const chain = await store.listAudit(t.id);
        expect(chain.map((r) => r.payload.n ?? null)).toEqual([null, 1, 2, 4]);
        expect(chain.slice(1, 3)).toEqual(acked);
        expect(after.seq).toBe(4);
        expect((await store.verifyAudit()).ok).toBe(true);
      } finally {
        await store.close();
        await proxy.cut();
        await dropSchema(schema);
      }
    });

    it('pooled connections killed with pg_terminate_backend are replaced transparently', async () => {
      const schema = newSchema();
      const errors: Error[] = [];
      const store = await openPostgresStore(
        PG_URL,
        opts(schema, { onBackgroundError: (e) => errors.push(e) }),
      );
      try {
        const t = await store.createTenant('clinic-a');
        // Open several pooled connections, then kill them all while idle.
        await Promise.all(Array.from({ length: 4 }, () => store.listTenants()));
        const killed = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [`fertility-${schema}`],
        );
        expect(killed.rowCount).toBeGreaterThanOrEqual(1);
        const records = await Promise.all(
          Array.from({ length: 6 }, (_, i) => store.appendAudit(t.id, { kind: 'answer', payload: { i } })),
        );
        expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
        expect((await store.verifyAudit()).ok).toBe(true);
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });

    /** Hold the tenant's chain head so that an append blocks; return the blocked backend's pid and the release. */
    async function blockAppendsOf(schema: string, tenantId: string) {
      const holder = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
      holder.on('error', () => {});
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT seq FROM audit_heads WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
      return {
        waiter: () =>
          waitForAsync(async () => {
            const r = await admin.query<{ pid: number }>(
              "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
              [`fertility-${schema}`],
            );
            return r.rows[0]?.pid;
          }),
        release: async () => {
          await holder.query('COMMIT');
          await holder.end();
        },
      };
    }

    async function waitForAsync<T>(check: () => Promise<T | undefined>): Promise<T> {
      for (let i = 0; i < 500; i++) {
        const v = await check();
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('timed out');
    }

    it('an append whose connection is killed mid-transaction is retried and recorded exactly once', async () => {
      const schema = newSchema();
      const store = await openPostgresStore(PG_URL, opts(schema, { maxAttempts: 3 }));
      try {
        const t = await store.createTenant('clinic-a');
        const block = await blockAppendsOf(schema, t.id);
        const pending = store.appendAudit(t.id, { kind: 'answer', payload: { marker: 'killed-once' } });
        const pid = await block.waiter();
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        // The retry waits on the same lock; release it.
        await block.waiter();
        await block.release();
        const rec = await pending;
        expect(rec.seq).toBe(2);
        const chain = await store.listAudit(t.id);
        expect(chain.filter((r) => r.payload.marker === 'killed-once')).toHaveLength(1);
        expect((await store.verifyAudit()).ok).toBe(true);
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });

    it('without retries, a killed append fails as store-unavailable and leaves no partial record', async () => {
      const schema = newSchema();
      const store = await openPostgresStore(PG_URL, opts(schema, { maxAttempts: 1 }));
      try {
        const t = await store.createTenant('clinic-a');
        const block = await blockAppendsOf(schema, t.id);
        const pending = store.appendAudit(t.id, { kind: 'answer', payload: { marker: 'killed' } });
        // It rejects while we are still awaiting the kill below; mark it handled now.
        pending.catch(() => {});
        const pid = await block.waiter();
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        const e = await expectStoreError(pending, 'store-unavailable');
        expect(e.retryable).toBe(true);
        await block.release();
        expect((await store.listAudit(t.id)).map((r) => r.kind)).toEqual(['tenant.created']);
        expect(await store.verifyAudit()).toMatchObject({ ok: true, heads: [{ seq: 1 }] });
        // The caller's retry with the same id now succeeds, once.
        const id = '99999999-8888-4777-8666-555555555555';
        await store.appendAudit(t.id, { id, kind: 'answer', payload: { marker: 'retried' } });
        await store.appendAudit(t.id, { id, kind: 'answer', payload: { marker: 'retried' } });
        expect((await store.listAudit(t.id)).length).toBe(2);
      } finally {
        await store.close();
        await dropSchema(schema);
      }
    });

    it('the LISTEN connection reconnects after an outage and catches up on what it missed', async () => {
      const schema = newSchema();
      const proxy = new CuttableProxy(PG_URL);
      await proxy.start();
      const errors: Error[] = [];
      const publisher = await openPostgresStore(PG_URL, opts(schema));
      const replica = await openPostgresStore(
        proxy.url(schema),
        opts(schema, { reconnectMaxMs: 300, onBackgroundError: (e) => errors.push(e) }),
      );
      const seen: KnowledgePublication[] = [];
      try {
        await replica.subscribe((p) => {
          seen.push(p);
        });
        expect((replica as PostgresStore).notificationsConnected).toBe(true);
        await proxy.cut();
        await waitFor(
          () => errors.find((e) => /connection lost/.test(e.message)),
          2000,
          'the loss to be reported',
        );
        const missed = await publisher.publishKnowledge({
          version: 'sha256:' + '1'.repeat(64),
          entries: [{ id: 'a' }],
          publishedBy: 'test',
        });
        await new Promise((r) => setTimeout(r, 200));
        expect(seen).toEqual([]);
        await proxy.start();
        await waitFor(() => seen[0], 5000, 'the missed publication after reconnecting');
        expect(seen).toEqual([missed]);
        const next = await publisher.publishKnowledge({
          version: 'sha256:' + '2'.repeat(64),
          entries: [{ id: 'b' }],
          publishedBy: 'test',
        });
        const started = Date.now();
        await waitFor(() => seen[1], 1000, 'the next publication');
        expect(Date.now() - started).toBeLessThan(1000);
        expect(seen).toEqual([missed, next]);
      } finally {
        await replica.close();
        await publisher.close();
        await proxy.cut();
        await dropSchema(schema);
      }
    });

    it('stores in different schemas of one database do not hear each other', async () => {
      const [s1, s2] = [newSchema(), newSchema()];
      const a = await openPostgresStore(PG_URL, opts(s1));
      const b = await openPostgresStore(PG_URL, opts(s2));
      try {
        const heard: KnowledgePublication[] = [];
        await a.subscribe((p) => {
          heard.push(p);
        });
        await b.publishKnowledge({ version: 'sha256:' + '3'.repeat(64), entries: [], publishedBy: 'test' });
        const own = await a.publishKnowledge({
          version: 'sha256:' + '4'.repeat(64),
          entries: [],
          publishedBy: 'test',
        });
        await waitFor(() => heard[0], 1000, 'its own publication');
        await new Promise((r) => setTimeout(r, 200));
        expect(heard).toEqual([own]);
        expect(await a.listTenants()).toEqual([]);
        await b.createTenant('only-in-b');
        expect(await a.listTenants()).toEqual([]);
      } finally {
        await a.close();
        await b.close();
        await dropSchema(s1);
        await dropSchema(s2);
      }
    });
  });
}
