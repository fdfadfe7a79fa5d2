// The two routes the clinician web UI needs beyond contracts §8, in memory on the real engine and
// a real SQLite store: the Prakriti questionnaire (what `prakriti.answers` of an intake refers to)
// and the UI's compiled modules under `/app/`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/open-store.js';
import type { Engine } from '../../engine.js';
import { loadPrakriti } from '../../pipeline/profile/prakriti.js';
import type { Store } from '../../ports/store.js';
import { createApp, type App } from './app.js';
import { PrakritiQuestionnaireSchema } from './schemas.js';
import { engineForTests } from './testing.js';

let engine: Engine;
let store: Store;
let app: App;
let noModules: App;
const root = mkdtempSync(join(tmpdir(), 'fertility-web-routes-'));
const staticDir = join(root, 'static');
const modulesDir = join(root, 'modules');

beforeAll(async () => {
  engine = await engineForTests();
  store = await openStore('sqlite::memory:');
  mkdirSync(staticDir);
  mkdirSync(join(modulesDir, 'screens'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(modulesDir, 'main.js'), 'export const x = 1;');
  writeFileSync(join(modulesDir, 'main.js.map'), '{}');
  writeFileSync(join(modulesDir, 'screens', 'lab.js'), 'export const y = 2;');
  writeFileSync(join(modulesDir, 'notes.txt'), 'not a module');
  writeFileSync(join(root, 'outside.js'), 'secret');
  app = await createApp({
    engine,
    store,
    config: { processMetrics: false, staticDir, webModulesDir: modulesDir },
  });
  noModules = await createApp({
    engine,
    store,
    config: { processMetrics: false, staticDir, webModulesDir: join(root, 'missing') },
  });
});

afterAll(async () => {
  await app.close();
  await noModules.close();
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

const get = (a: App, url: string, headers: Record<string, string> = {}) =>
  a.fastify.inject({ method: 'GET', url, headers });

describe('GET /v1/prakriti/questionnaire', () => {
  it('lists every item and option of the questionnaire with ids and labels, and no scoring weights', async () => {
    const r = await get(app, '/v1/prakriti/questionnaire');
    expect(r.statusCode, r.body).toBe(200);
    const body = PrakritiQuestionnaireSchema.parse(JSON.parse(r.body));
    const { questionnaire, correlates } = loadPrakriti();
    expect(body.id).toBe(questionnaire.id);
    expect(body.version).toBe(questionnaire.version);
    expect(body.validated).toBe(false);
    expect(body.disclaimer).toBe(correlates.disclaimer);
    expect(body.items.map((i) => i.id)).toEqual(questionnaire.items.map((i) => i.id));
    for (const [k, item] of body.items.entries()) {
      const src = questionnaire.items[k]!;
      expect(item.options).toEqual(src.options.map((o) => ({ id: o.id, label: o.label })));
      expect(item.appliesTo).toBe(src.appliesTo);
    }
    expect(r.body).not.toContain('weights');
    expect(r.body).not.toContain('vata');
  });

  it('is under /v1: a key is needed once one exists', async () => {
    const s = await openStore('sqlite::memory:');
    const keyed = await createApp({ engine, store: s, config: { processMetrics: false, staticDir: null } });
    try {
      const t = await s.createTenant('clinic');
      const { key } = await s.createApiKey(t.id);
      expect((await get(keyed, '/v1/prakriti/questionnaire')).statusCode).toBe(401);
      const ok = await get(keyed, '/v1/prakriti/questionnaire', { authorization: `Bearer ${key}` });
      expect(ok.statusCode).toBe(200);
    } finally {
      await keyed.close();
      await s.close();
    }
  });
});

describe('GET /app/* (the UI modules)', () => {
  it('serves compiled modules and their maps as JavaScript, revalidated on every load', async () => {
    const r = await get(app, '/app/main.js');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body).toBe('export const x = 1;');
    expect((await get(app, '/app/screens/lab.js')).body).toBe('export const y = 2;');
    expect((await get(app, '/app/main.js.map')).statusCode).toBe(200);
    const again = await get(app, '/app/main.js', { 'if-none-match': String(r.headers.etag) });
    expect(again.statusCode).toBe(304);
    // The HTML and CSS still come from the static folder.
    expect((await get(app, '/')).body).toContain('<title>ui</title>');
  });

  it('serves nothing else from dist: other files, traversal and missing modules are 404 with a JSON error', async () => {
    for (const url of [
      '/app/notes.txt',
      '/app/',
      '/app/../outside.js',
      '/app/%2e%2e/outside.js',
      '/app/screens/../../outside.js',
      '/app/nope.js',
    ]) {
      const r = await get(app, url);
      expect(r.statusCode, url).toBe(404);
      expect(JSON.parse(r.body).error.code, url).toBe('not-found');
    }
    const missing = await get(noModules, '/app/main.js');
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).error.message).toMatch(/npm run build/);
  });
});
