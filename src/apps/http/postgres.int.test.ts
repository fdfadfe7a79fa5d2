// The HTTP service on a real PostgreSQL (FERTILITY_TEST_PG, default the local server), each test
// in its own schema, dropped afterwards:
// - the database goes away mid-request (a TCP proxy we cut, so the shared server keeps running
//   for everyone else): 503 with a retryable error, recovery when it is back, and no answer that
//   was acknowledged without its audit record;
// - two `fertility serve` processes (the built CLI) on one database: a knowledge version published
//   through one is served by the other within a second, without a restart.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/open-store.js';
import { CuttableProxy, describeWithPostgres, TEST_PG_URL } from '../../adapters/postgres/testing.js';
import type { Engine } from '../../engine.js';
import { KNOWLEDGE_DIR } from '../../paths.js';
import type { AuditRecord, Store } from '../../ports/store.js';
import { createApp } from './app.js';
import { prepareDirectory } from './knowledge-sync.js';
import { request, startServeProcess, type ServeProcess } from './processes.js';
import { engineForTests } from './testing.js';

const PG_URL = TEST_PG_URL;

await describeWithPostgres('http service on postgres', definePostgresTests);

async function allAudit(store: Store, tenantId: string): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (;;) {
    const page = await store.listAudit(tenantId, { afterSeq: out.at(-1)?.seq ?? 0, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

function definePostgresTests(): void {
  const runId = `http_${randomBytes(4).toString('hex')}`;
  let counter = 0;
  const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
  admin.on('error', () => {});
  const newSchema = (): string => `${runId}_${counter++}`;
  const urlFor = (schema: string): string => {
    const u = new URL(PG_URL);
    u.searchParams.set('schema', schema);
    return u.toString();
  };
  let engine: Engine;

  beforeAll(async () => {
    engine = await engineForTests();
  });

  afterAll(async () => {
    const left = await admin.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '\\_%'",
      [runId],
    );
    for (const { nspname } of left.rows) await admin.query(`DROP SCHEMA IF EXISTS ${nspname} CASCADE`);
    await admin.end();
  });

  describe('http service on postgres', () => {
    it('answers 503 (retryable) while the database is away, recovers when it is back, and loses no acknowledged audit record', async () => {
      const schema = newSchema();
      const proxy = new CuttableProxy(PG_URL);
      await proxy.start();
      const background: Error[] = [];
      const store = await openStore(proxy.url(schema), {
        maxAttempts: 2,
        connectTimeoutMs: 1000,
        reconnectMaxMs: 200,
        onBackgroundError: (e) => background.push(e),
      });
      const app = await createApp({ engine, store, config: { processMetrics: false, staticDir: null } });
      const ask = (q: string) =>
        app.fastify.inject({
          method: 'POST',
          url: '/v1/ask',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ question: q }),
        });
      const acknowledged: string[] = [];
      const keep = (r: Awaited<ReturnType<typeof ask>>): void => {
        if (r.statusCode === 200) acknowledged.push(String(r.headers['x-audit-record']).split(':')[1]!);
      };
      try {
        for (let i = 0; i < 5; i++) keep(await ask('Does smoking reduce fertility?'));
        expect(acknowledged).toHaveLength(5);

        // A stream of requests, cut once some have been answered: the requests in flight at the
        // cut, and those after it, either complete with their record or fail 503.
        let done = 0;
        let cut: Promise<void> | null = null;
        const burst: Array<ReturnType<typeof ask>> = [];
        for (let i = 0; i < 60; i++) {
          burst.push(
            ask(i % 2 ? 'What is a normal AMH level?' : 'What is IVF?').then((r) => {
              done++;
              return r;
            }),
          );
          if (done >= 5) cut ??= proxy.cut();
          await new Promise((r) => setTimeout(r, 5));
        }
        await (cut ?? proxy.cut());
        const results = await Promise.all(burst);
        for (const r of results) {
          expect([200, 503], r.body).toContain(r.statusCode);
          keep(r);
          if (r.statusCode === 503) {
            const e = JSON.parse(r.body).error;
            expect(e).toMatchObject({ code: 'store-unavailable', retryable: true });
            expect(r.headers['retry-after']).toBe('1');
          }
        }
        // The cut really fell in the middle of the burst.
        expect(results.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(5);
        expect(results.filter((r) => r.statusCode === 503).length).toBeGreaterThanOrEqual(1);

        // Away: every route that needs the database says so, retryably; none says 500.
        const down = await ask('What is IVF?');
        expect(down.statusCode).toBe(503);
        expect(JSON.parse(down.body).error).toMatchObject({ code: 'store-unavailable', retryable: true });
        const health = await app.fastify.inject({ method: 'GET', url: '/healthz' });
        expect(health.statusCode).toBe(503);
        expect(JSON.parse(health.body)).toMatchObject({ status: 'degraded', store: { ok: false } });
        expect(JSON.parse(health.body).knowledge.version).toBe(engine.knowledge().version);
        for (const [method, url, payload] of [
          ['POST', '/v1/profiles', { female: { age: 30 } }],
          ['GET', '/v1/profiles/0b7c5c3e-5b1f-4c8e-9a55-3d9d2c1f0a11', undefined],
          ['POST', '/v1/lab-reports/normalize', { text: 'AMH 1.2 ng/mL' }],
          ['GET', '/v1/knowledge/versions', undefined],
        ] as const) {
          const r = await app.fastify.inject({
            method,
            url,
            ...(payload
              ? { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) }
              : {}),
          });
          expect(r.statusCode, `${method} ${url}: ${r.body}`).toBe(503);
        }

        // Back: the same app recovers without a restart.
        await proxy.start();
        const deadline = Date.now() + 15_000;
        let back = false;
        while (!back && Date.now() < deadline) {
          back = (await app.fastify.inject({ method: 'GET', url: '/healthz' })).statusCode === 200;
          if (!back) await new Promise((r) => setTimeout(r, 100));
        }
        expect(back).toBe(true);
        for (let i = 0; i < 5; i++) {
          const r = await ask('Does smoking reduce fertility?');
          expect(r.statusCode, r.body).toBe(200);
          keep(r);
        }
      } finally {
        await app.close();
        await store.close();
        await proxy.cut();
      }

      // Every answer a client received has its record, and the chain verifies.
      const direct = await openStore(urlFor(schema));
      try {
        const local = await direct.getTenant('local');
        const ids = new Set((await allAudit(direct, local!.id)).map((r) => r.id));
        for (const id of acknowledged) expect(ids.has(id), id).toBe(true);
        expect(acknowledged.length).toBeGreaterThanOrEqual(15);
        expect((await direct.verifyAudit()).ok).toBe(true);
      } finally {
        await direct.close();
      }
    }, 120_000);

    describe('two replicas', () => {
      const procs: ServeProcess[] = [];
      afterAll(async () => {
        for (const p of procs) if (p.child.exitCode === null) await p.stop();
      });

      it('a version published through one replica is served by the other within a second, without a restart', async () => {
        const schema = newSchema();
        const db = urlFor(schema);
        const a = await startServeProcess(['--db', db, '--log-level', 'warn']);
        procs.push(a);
        const b = await startServeProcess(['--db', db, '--log-level', 'warn']);
        procs.push(b);
        const healthOf = async (p: ServeProcess) =>
          JSON.parse((await request(p.url, { path: '/healthz' })).body);
        const ha = await healthOf(a);
        const hb = await healthOf(b);
        expect(hb.knowledge).toMatchObject({ version: ha.knowledge.version, publication: 1 }); // B adopted A's publication
        expect(ha.store.driver).toBe('postgres');

        // Publish a different bank through A.
        const stored = prepareDirectory(KNOWLEDGE_DIR).stored;
        const referenced = new Set(stored.flatMap((e) => (e.supersedes as string[] | undefined) ?? []));
        const drop = stored.find((e) => e.status === 'published' && !referenced.has(e.id as string));
        const published = await request(a.url, {
          path: '/v1/knowledge/reload',
          body: JSON.stringify({ entries: stored.filter((e) => e !== drop), note: 'replica test' }),
        });
        expect(published.status, published.body).toBe(200);
        const version = JSON.parse(published.body).version as string;
        expect(version).not.toBe(ha.knowledge.version);
        const t0 = performance.now();
        let seen = (await healthOf(b)).knowledge.version;
        while (seen !== version && performance.now() - t0 < 5000) {
          await new Promise((r) => setTimeout(r, 10));
          seen = (await healthOf(b)).knowledge.version;
        }
        const took = performance.now() - t0;
        expect(seen).toBe(version);
        expect(took, `replica B swapped after ${Math.round(took)} ms`).toBeLessThan(1000);
        expect((await healthOf(b)).knowledge.publication).toBe(2);
        const answer = await request(b.url, {
          path: '/v1/ask',
          body: JSON.stringify({ question: 'Does smoking reduce fertility?' }),
        });
        expect(JSON.parse(answer.body).kb.version).toBe(version);

        // An invalid bank through B is refused; both keep serving the published version.
        const refused = await request(b.url, {
          path: '/v1/knowledge/reload',
          body: JSON.stringify({ entries: [{ id: 'half-an-entry', title: 'x' }] }),
        });
        expect(refused.status).toBe(400);
        expect(JSON.parse(refused.body).error.code).toBe('kb-rejected');
        await new Promise((r) => setTimeout(r, 300));
        expect((await healthOf(a)).knowledge.version).toBe(version);
        expect((await healthOf(b)).knowledge.version).toBe(version);

        // Both replicas write to the same per-tenant chain, which stays valid.
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            request(i % 2 ? a.url : b.url, {
              path: '/v1/ask',
              body: JSON.stringify({ question: 'What is IVF?' }),
            }),
          ),
        );
        expect(await a.stop()).toBe(0);
        expect(await b.stop()).toBe(0);
        const direct = await openStore(db);
        try {
          const v = await direct.verifyAudit();
          expect(v.ok).toBe(true);
          expect(v.records).toBeGreaterThanOrEqual(22);
        } finally {
          await direct.close();
        }
      }, 120_000);
    });
  });
}
