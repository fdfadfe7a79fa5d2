// API keys and tenancy over the HTTP API (in memory, real SQLite store): once a key exists every
// /v1 route needs one, a revoked key is 403, and one clinic never reads another's data.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../adapters/open-store.js';
import type { Engine } from '../../engine.js';
import type { Store } from '../../ports/store.js';
import { createApp, type App } from './app.js';
import { engineForTests } from './testing.js';

// The real engine takes seconds to build, more on a machine shared with other work.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

let engine: Engine;
let store: Store;
let app: App;
let keyA: string;
let keyB: string;
let revoked: string;
let localKey: string;

type Res = Awaited<ReturnType<App['fastify']['inject']>>;
// Assertions walk response JSON freely; its shapes are checked against the API schemas elsewhere.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: Res): any => JSON.parse(r.body);

function call(method: 'GET' | 'POST', url: string, key: string | null, payload?: unknown): Promise<Res> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return app.fastify.inject({
    method,
    url,
    headers,
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

beforeAll(async () => {
  engine = await engineForTests();
  store = await openStore('sqlite::memory:');
  app = await createApp({ engine, store, config: { processMetrics: false, staticDir: null } });
});

afterAll(async () => {
  await app.close();
  await store.close();
});

describe('local mode, then keys', () => {
  it('needs no key while no key exists, and acts for the local tenant', async () => {
    const r = await call('POST', '/v1/profiles', null, { female: { age: 31 } });
    expect(r.statusCode, r.body).toBe(201);
    const local = await store.getTenant('local');
    expect(await store.getProfile(local!.id, json(r).id)).not.toBeNull();
    expect(json(await call('GET', '/healthz', null)).auth).toBe('none');
  });

  it('requires a key on every /v1 route once one exists: 401 missing or unknown, 403 revoked', async () => {
    const a = await store.createTenant('clinic-a');
    const b = await store.createTenant('clinic-b');
    keyA = (await store.createApiKey(a.id)).key;
    keyB = (await store.createApiKey(b.id)).key;
    const r = await store.createApiKey(a.id, { label: 'old laptop' });
    await store.revokeApiKey(r.info.id);
    revoked = r.key;
    localKey = (await store.createApiKey((await store.getTenant('local'))!.id)).key;

    const routes: Array<['GET' | 'POST', string, unknown?]> = [
      ['POST', '/v1/ask', { question: 'What is AMH?' }],
      ['POST', '/v1/profiles', { female: { age: 31 } }],
      ['GET', '/v1/profiles'],
      ['GET', '/v1/profiles/0b7c5c3e-5b1f-4c8e-9a55-3d9d2c1f0a11'],
      ['POST', '/v1/profiles/0b7c5c3e-5b1f-4c8e-9a55-3d9d2c1f0a11/recommendations', {}],
      ['POST', '/v1/lab-reports/normalize', { text: 'AMH 1.2 ng/mL' }],
      ['GET', '/v1/lab-reports/0b7c5c3e-5b1f-4c8e-9a55-3d9d2c1f0a11'],
      ['GET', '/v1/knowledge/entries'],
      ['GET', '/v1/knowledge/versions'],
      ['POST', '/v1/knowledge/reload', {}],
    ];
    for (const [method, url, body] of routes) {
      for (const [key, status, code] of [
        [null, 401, 'unauthorized'],
        ['fek_nope_nope', 401, 'unauthorized'],
        ['not a key at all', 401, 'unauthorized'],
        [revoked, 403, 'forbidden'],
      ] as const) {
        const res = await call(method, url, key, body);
        expect(res.statusCode, `${method} ${url} with ${String(key)}`).toBe(status);
        expect(json(res).error.code).toBe(code);
      }
    }
    const basic = await app.fastify.inject({
      method: 'GET',
      url: '/v1/profiles',
      headers: { authorization: `Basic ${keyA}` },
    });
    expect(basic.statusCode).toBe(401);
    // Operations stay open: health checks and scrapes carry no clinic data.
    expect((await call('GET', '/healthz', null)).statusCode).toBe(200);
    expect(json(await call('GET', '/healthz', null)).auth).toBe('api-key');
    expect((await call('GET', '/metrics', null)).statusCode).toBe(200);
    expect((await call('GET', '/openapi.json', null)).statusCode).toBe(200);
  });

  it('never lets one clinic read, list, extend or recommend from another clinic’s data', async () => {
    const profile = json(await call('POST', '/v1/profiles', keyA, { female: { age: 38, tryingMonths: 8 } }));
    const report = json(
      await call('POST', '/v1/lab-reports/normalize', keyA, { text: 'AMH 0.8 ng/mL (1.0 - 4.0)' }),
    );
    expect(profile.id).toBeDefined();
    expect(report.id).toBeDefined();

    expect((await call('GET', `/v1/profiles/${profile.id}`, keyA)).statusCode).toBe(200);
    expect((await call('GET', `/v1/lab-reports/${report.id}`, keyA)).statusCode).toBe(200);

    const theirs = await call('GET', `/v1/profiles/${profile.id}`, keyB);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body).not.toContain('tryingMonths');
    expect(json(theirs).error.message).toBe(
      json(
        await call('GET', '/v1/profiles/0b7c5c3e-5b1f-4c8e-9a55-3d9d2c1f0a11', keyB),
      ).error.message.replace('0b7c5c3e-5b1f-4c8e-9a55-3d9d2c1f0a11', profile.id),
    );
    expect((await call('GET', `/v1/lab-reports/${report.id}`, keyB)).statusCode).toBe(404);
    expect((await call('POST', `/v1/profiles/${profile.id}/recommendations`, keyB, {})).statusCode).toBe(404);
    const attach = await call('POST', '/v1/lab-reports/normalize', keyB, {
      text: 'AMH 1 ng/mL',
      profileId: profile.id,
    });
    expect(attach.statusCode).toBe(404);
    const listB = json(await call('GET', '/v1/profiles?limit=200', keyB));
    expect(listB.items.map((p: { id: string }) => p.id)).not.toContain(profile.id);
    const listA = json(await call('GET', '/v1/profiles?limit=200', keyA));
    expect(listA.items.map((p: { id: string }) => p.id)).toContain(profile.id);
    // The local tenant's profile from before keys existed is not clinic A's either.
    expect(listA.items).toHaveLength(1);
  });

  it('writes each answer to the asking clinic’s own audit chain', async () => {
    const a = await store.getTenant('clinic-a');
    const b = await store.getTenant('clinic-b');
    const before = (await store.listAudit(b!.id, { limit: 1000 })).length;
    const r = await call('POST', '/v1/ask', keyA, { question: 'What is a normal sperm count?' });
    expect(r.statusCode).toBe(200);
    const [seq, id] = String(r.headers['x-audit-record']).split(':');
    expect((await store.getAuditRecord(a!.id, Number(seq)))?.id).toBe(id);
    expect((await store.listAudit(b!.id, { limit: 1000 })).length).toBe(before);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('lets only knowledge-admin tenants publish knowledge once keys exist', async () => {
    const refused = await call('POST', '/v1/knowledge/reload', keyA, {});
    expect(refused.statusCode).toBe(403);
    expect(json(refused).error.code).toBe('forbidden');
    const allowed = await call('POST', '/v1/knowledge/reload', localKey, {});
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(json(allowed).version).toBe(engine.knowledge().version);
  });
});
