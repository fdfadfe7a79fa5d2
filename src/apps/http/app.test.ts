// The HTTP API in memory (fastify.inject): every route of contracts §8 on the real engine and a
// real SQLite store held in memory. Faults against real files, PostgreSQL and processes are in
// the *.int.test.ts files beside this one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../adapters/open-store.js';
import { AnswerSchema } from '../../domain/answer.js';
import { ISSUE_CATALOG, type IssueCode } from '../../domain/issues.js';
import type { Engine } from '../../engine.js';
import { PROJECT_ROOT } from '../../paths.js';
import type { Store } from '../../ports/store.js';
import { createApp, type App } from './app.js';
import { statusForIssue } from './errors.js';
import { KnowledgeEntriesSchema, ROUTES, StoredProfileSchema, StoredReportSchema } from './schemas.js';
import { engineForTests } from './testing.js';

// The real engine takes seconds to build, more on a machine shared with other work.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

const FIXTURES = join(PROJECT_ROOT, 'fixtures');
const fixture = (p: string): Buffer => readFileSync(join(FIXTURES, p));
const intake = (name: string): unknown => JSON.parse(fixture(`intakes/${name}.json`).toString('utf8'));

let engine: Engine;
let store: Store;
let app: App;
const logLines: string[] = [];
const staticRoot = mkdtempSync(join(tmpdir(), 'fertility-static-'));

beforeAll(async () => {
  engine = await engineForTests();
  store = await openStore('sqlite::memory:');
  writeFileSync(join(staticRoot, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(staticRoot, 'app.js'), 'console.log(1)');
  writeFileSync(join(staticRoot, '.secret'), 'hidden');
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  app = await createApp({
    engine,
    store,
    config: { logger: pino({ level: 'info' }, sink), staticDir: staticRoot, processMetrics: false },
  });
});

afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(staticRoot, { recursive: true, force: true });
});

type Res = Awaited<ReturnType<App['fastify']['inject']>>;
// Assertions walk response JSON freely; its shapes are checked against the API schemas elsewhere.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: Res): any => JSON.parse(r.body);

function post(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return app.fastify.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
  });
}
const get = (url: string, headers: Record<string, string> = {}): Promise<Res> =>
  app.fastify.inject({ method: 'GET', url, headers });

/** The error body contract: `{ error: { code, message, … } }`. */
function expectError(
  r: Res,
  status: number,
  code: IssueCode,
): { code: string; message: string; path?: string } {
  expect(r.statusCode, r.body).toBe(status);
  const body = json(r);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(body.error.requestId).toBe(r.headers['x-request-id']);
  return body.error;
}

describe('POST /v1/ask', () => {
  it('answers with a cited answer and writes the audit record to the local tenant before responding', async () => {
    const r = await post('/v1/ask', { question: 'Does smoking reduce fertility?' });
    expect(r.statusCode, r.body).toBe(200);
    const answer = AnswerSchema.parse(json(r));
    expect(answer.kb.version).toBe(engine.knowledge().version);
    expect(r.headers['x-knowledge-version']).toBe(answer.kb.version);
    const [seq, id] = String(r.headers['x-audit-record']).split(':');
    const local = await store.getTenant('local');
    const rec = await store.getAuditRecord(local!.id, Number(seq));
    expect(rec?.id).toBe(id);
    expect(rec?.kind).toBe('answer.ask');
    expect(rec?.payload.question).toBe('Does smoking reduce fertility?');
    expect(rec?.payload.knowledgeVersion).toBe(answer.kb.version);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it('uses the profile when one is given, and audits its hash rather than the intake', async () => {
    const r = await post('/v1/ask', { question: 'Should we go to IVF?', profile: intake('unexplained') });
    expect(r.statusCode, r.body).toBe(200);
    const [seq] = String(r.headers['x-audit-record']).split(':');
    const rec = await store.getAuditRecord((await store.getTenant('local'))!.id, Number(seq));
    expect(String(rec?.payload.profileHash)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.stringify(rec?.payload)).not.toContain('"tryingMonths"');
  });

  it('refuses bad input with 4xx naming the problem', async () => {
    expect(expectError(await post('/v1/ask', { question: 42 }), 400, 'input-invalid').path).toBe(
      'body.question',
    );
    expect(expectError(await post('/v1/ask', { questoin: 'x' }), 400, 'input-invalid').message).toMatch(
      /questoin/,
    );
    expectError(await post('/v1/ask', '{"question": "unterminated'), 400, 'input-invalid');
    expectError(await post('/v1/ask', ''), 400, 'input-empty');
    expectError(await post('/v1/ask', { question: '' }), 400, 'question-empty');
    expectError(await post('/v1/ask', { question: 'x'.repeat(5000) }), 400, 'question-too-long');
    expectError(await post('/v1/ask', [1, 2]), 400, 'input-invalid');
    expectError(await post('/v1/ask', 'null'), 400, 'input-invalid');
    const badProfile = await post('/v1/ask', { question: 'IVF?', profile: { female: { age: 'old' } } });
    expect(expectError(badProfile, 400, 'input-invalid').path).toBe('body.profile.female.age');
    const implausible = await post('/v1/ask', { question: 'IVF?', profile: { female: { age: -4 } } });
    expect(implausible.statusCode).toBe(400);
    expectError(
      await post('/v1/ask', 'question=x', { 'content-type': 'text/plain' }),
      415,
      'unsupported-media-type',
    );
    expectError(
      await post('/v1/ask', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'unsupported-media-type',
    );
    const huge = JSON.stringify({ question: 'q', pad: 'x'.repeat(1_100_000) });
    expect(expectError(await post('/v1/ask', huge), 413, 'input-too-large').message).toContain(
      '1048576 bytes',
    );
    expectError(await post('/v1/ask', '{"__proto__": {"x": 1}, "question": "q"}'), 400, 'input-invalid');
  });
});

describe('profiles and recommendations', () => {
  it('stores a profile for the caller, reads it back, lists it, and recommends from it (audited)', async () => {
    const created = await post('/v1/profiles', intake('unexplained'));
    expect(created.statusCode, created.body).toBe(201);
    const p = StoredProfileSchema.parse(json(created));
    expect(created.headers.location).toBe(`/v1/profiles/${p.id}`);
    expect(p.profile.classifications.length).toBeGreaterThan(3);

    const read = await get(`/v1/profiles/${p.id}`);
    expect(read.statusCode).toBe(200);
    expect(json(read)).toEqual(json(created));

    const list = json(await get('/v1/profiles?limit=1'));
    expect(list.items[0].id).toBe(p.id);
    expect(list.items[0].intake).toBeUndefined();

    const recs = await post(`/v1/profiles/${p.id}/recommendations`, '', { 'content-type': 'text/plain' });
    expect(recs.statusCode, recs.body).toBe(200);
    const body = json(recs);
    expect(body.profileId).toBe(p.id);
    expect(body.kb.version).toBe(engine.knowledge().version);
    for (const item of body.recommendations) expect(item.citations.length).toBeGreaterThan(0);
    const [seq] = String(recs.headers['x-audit-record']).split(':');
    const rec = await store.getAuditRecord((await store.getTenant('local'))!.id, Number(seq));
    expect(rec?.kind).toBe('answer.recommend');
    expect(rec?.payload.profileHash).toBe(p.intakeHash);
  });

  it('never stores lab report text; its results are kept as structured labs that rebuild the same profile', async () => {
    const report = fixture('lab-reports/fr-bilan-hormonal.txt').toString('utf8');
    const created = await post('/v1/profiles', { female: { age: 35, labReports: [report] } });
    expect(created.statusCode, created.body).toBe(201);
    const stored = json(created);
    const text = JSON.stringify(stored);
    expect(text).not.toContain('LEFÈVRE');
    expect(text).not.toContain('7788123');
    expect(stored.intake.female.labReports).toBeUndefined();
    expect(stored.intake.female.labs.map((l: { analyte: string }) => l.analyte)).toContain('amh');
    // The stored intake rebuilds the same classifications.
    const again = await post('/v1/profiles', stored.intake);
    expect(json(again).profile.classifications).toEqual(stored.profile.classifications);
  });

  it('404s an unknown profile id, and 400s a bad intake naming the field', async () => {
    expectError(await get('/v1/profiles/0b7c5c3e-5b1f-4c8e-9a55-3d9d2c1f0a11'), 404, 'not-found');
    expectError(await get('/v1/profiles/not-a-uuid'), 404, 'not-found');
    expectError(await post('/v1/profiles/nope/recommendations', {}), 404, 'not-found');
    const bad = await post('/v1/profiles', { female: { heigthCm: 160 } });
    expect(expectError(bad, 400, 'input-invalid').message).toMatch(/heigthCm/);
    expectError(await get('/v1/profiles?limit=0'), 400, 'input-invalid');
  });
});

describe('POST /v1/lab-reports/normalize', () => {
  it.each([
    ['text/plain', 'lab-reports/fr-bilan-hormonal.txt'],
    ['text/csv', 'lab-reports/csv-semicolon-decimal-comma.csv'],
    ['application/hl7-v2', 'lab-reports/hl7-oru-r01.hl7'],
    ['application/fhir+json', 'lab-reports/fhir-bundle.json'],
    ['application/json', 'lab-reports/fhir-diagnosticreport.json'],
    ['application/pdf', 'lab-reports/pdf-text-layer.pdf'],
  ])('reads a %s body as the CLI does, stores it de-identified, and reads it back', async (type, file) => {
    const r = await post('/v1/lab-reports/normalize', fixture(file), { 'content-type': type });
    expect(r.statusCode, r.body).toBe(201);
    const body = StoredReportSchema.parse(json(r));
    const expected = JSON.parse(fixture(`${file}.expected.json`).toString('utf8'));
    expect(body.observations.map((o) => o.analyte)).toEqual(
      expected.observations.map((o: { analyte: string }) => o.analyte),
    );
    const back = await get(`/v1/lab-reports/${body.id}`);
    expect(json(back)).toEqual(json(r));
    for (const name of ['LEFÈVRE', 'NGUYEN', 'Elm Street']) expect(r.body).not.toContain(name);
  });

  it('takes JSON { text } with options, and ties the report to a profile of the same clinic only', async () => {
    const p = json(await post('/v1/profiles', { female: { age: 30 } }));
    const text = fixture('lab-reports/semen-who2021.txt').toString('utf8');
    const r = await post('/v1/lab-reports/normalize', {
      text,
      sex: 'male',
      profileId: p.id,
      partner: 'male',
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(json(r)).toMatchObject({ profileId: p.id, partner: 'male' });
    const other = await post('/v1/lab-reports/normalize', {
      text,
      profileId: '0b7c5c3e-5b1f-4c8e-9a55-3d9d2c1f0a11',
    });
    expectError(other, 404, 'not-found');
  });

  it('refuses unreadable reports with the reader’s issue, and oversized ones with 413', async () => {
    expectError(
      await post('/v1/lab-reports/normalize', fixture('lab-reports/bad/malformed-hl7.hl7'), {
        'content-type': 'text/plain',
      }),
      400,
      'hl7-invalid',
    );
    const fhir = await post('/v1/lab-reports/normalize', fixture('lab-reports/bad/malformed-fhir.json'), {
      'content-type': 'application/fhir+json',
    });
    expect(fhir.statusCode, fhir.body).toBe(400);
    expect(['fhir-invalid', 'input-invalid']).toContain(json(fhir).error.code);
    expectError(
      await post('/v1/lab-reports/normalize', fixture('lab-reports/pdf-no-text-layer.pdf'), {
        'content-type': 'application/pdf',
      }),
      400,
      'pdf-no-text-layer',
    );
    expectError(
      await post('/v1/lab-reports/normalize', fixture('lab-reports/bad/binary-junk.bin'), {
        'content-type': 'application/octet-stream',
      }),
      400,
      'input-binary',
    );
    expectError(await post('/v1/lab-reports/normalize', { text: '' }), 400, 'input-empty');
    expectError(await post('/v1/lab-reports/normalize', { text: 'x', sex: 'other' }), 400, 'input-invalid');
    expectError(
      await post('/v1/lab-reports/normalize?sex=female', { text: 'AMH 1.2 ng/mL', sex: 'female' }),
      400,
      'input-invalid',
    );
    expectError(
      await post('/v1/lab-reports/normalize?bogus=1', 'AMH 1 ng/mL', { 'content-type': 'text/plain' }),
      400,
      'input-invalid',
    );
    expectError(
      await post('/v1/lab-reports/normalize', 'x'.repeat(10 * 1024 * 1024 + 10), {
        'content-type': 'text/plain',
      }),
      413,
      'input-too-large',
    );
  });
});

describe('knowledge', () => {
  it('pages and filters the served entries, with the version', async () => {
    const first = await get('/v1/knowledge/entries?limit=5');
    expect(first.statusCode).toBe(200);
    const page = KnowledgeEntriesSchema.parse(json(first));
    expect(page.version).toBe(engine.knowledge().version);
    expect(page.total).toBe(engine.knowledge().entries.length);
    expect(page.items).toHaveLength(5);
    const second = KnowledgeEntriesSchema.parse(
      json(await get(`/v1/knowledge/entries?limit=5&cursor=${page.nextCursor}`)),
    );
    expect(second.items[0]!.id).not.toBe(page.items[0]!.id);
    const all = engine.knowledge().entries;
    const nice = json(await get('/v1/knowledge/entries?body=nice&limit=200'));
    expect(nice.total).toBe(all.filter((e) => e.source.body === 'NICE').length);
    expect(nice.total).toBeGreaterThan(0);
    const ivf = json(await get('/v1/knowledge/entries?topic=ivf&limit=200'));
    expect(ivf.total).toBeGreaterThan(0);
    for (const e of ivf.items) expect(e.topic).toBe('ivf');
    const concept = all[0]!.concepts[0]!;
    const byConcept = json(await get(`/v1/knowledge/entries?concept=${concept}&limit=200`));
    expect(byConcept.total).toBe(all.filter((e) => e.concepts.includes(concept)).length);
    expectError(await get('/v1/knowledge/entries?limit=1000'), 400, 'input-invalid');
    expectError(await get('/v1/knowledge/entries?cursor=abc'), 400, 'input-invalid');
    expectError(await get('/v1/knowledge/entries?kind=opinion'), 400, 'input-invalid');
  });

  it('lists publications with the one served', async () => {
    const v = json(await get('/v1/knowledge/versions'));
    expect(v.serving.version).toBe(engine.knowledge().version);
    expect(v.publications[0].version).toBe(engine.knowledge().version);
    expect(v.serving.publication).toBe(v.publications[0].n);
  });
});

describe('operations', () => {
  it('/healthz reports the store and the knowledge version', async () => {
    const h = json(await get('/healthz'));
    expect(h).toMatchObject({ status: 'ok', store: { driver: 'sqlite', ok: true }, auth: 'none' });
    expect(h.knowledge.version).toBe(engine.knowledge().version);
  });

  it('/metrics exposes latency per route, answers by status, abstention rate and the knowledge version', async () => {
    await post('/v1/ask', { question: 'What is the capital of France?' });
    const m = await get('/metrics');
    expect(m.headers['content-type']).toMatch(/^text\/plain/);
    expect(m.body).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/v1\/ask"/);
    expect(m.body).toMatch(/fertility_answers_total\{status="out-of-scope"\} [1-9]/);
    expect(m.body).toMatch(/fertility_abstention_ratio \d/);
    expect(m.body).toContain(`fertility_knowledge_info{version="${engine.knowledge().version}"`);
    expect(m.body).toMatch(/fertility_audit_batch_size_count [1-9]/);
    // Every earlier request has been counted out again; the scrape itself is the one in flight.
    expect(m.body).toMatch(/^http_requests_in_flight 1$/m);
  });

  it('/openapi.json documents every route with the request schemas', async () => {
    const doc = json(await get('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    for (const spec of Object.values(ROUTES)) {
      const path = spec.url.replace(/:([A-Za-z]+)/g, '{$1}');
      expect(doc.paths[path]?.[spec.method.toLowerCase()], `${spec.method} ${path}`).toBeDefined();
    }
    const ask = doc.components.schemas.AskRequest;
    expect(ask.required).toEqual(['question']);
    expect(ask.additionalProperties).toBe(false);
    expect(doc.paths['/v1/ask'].post.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/AskRequest',
    );
    expect(doc.components.schemas.Intake.properties.female).toBeDefined();
    expect(doc.paths['/v1/knowledge/entries'].get.parameters.map((p: { name: string }) => p.name)).toContain(
      'concept',
    );
  });

  it('maps every catalog code to a 4xx, or to the 5xx of a service fault', () => {
    const serviceFaults = new Set([
      'store-unavailable',
      'store-schema-ahead',
      'store-migration-mismatch',
      'shutting-down',
      'timeout',
      'internal-error',
      'audit-chain-broken',
    ]);
    for (const code of Object.keys(ISSUE_CATALOG) as IssueCode[]) {
      const s = statusForIssue(code);
      if (serviceFaults.has(code)) expect(s, code).toBeGreaterThanOrEqual(500);
      else expect(s, code).toBeLessThan(500);
    }
  });

  it('unknown routes and methods are JSON 404s', async () => {
    expectError(await get('/v1/nothing'), 404, 'not-found');
    expectError(await post('/v2/ask', {}), 404, 'not-found');
    expectError(await app.fastify.inject({ method: 'DELETE', url: '/v1/profiles/x' }), 404, 'not-found');
  });

  it('serves the web UI with content types, caching and revalidation, and nothing outside its folder', async () => {
    const index = await get('/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    const js = await get('/app.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=3600');
    const again = await get('/app.js', { 'if-none-match': String(js.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    for (const p of [
      '/.secret',
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/%00',
      '/nope.html',
    ]) {
      expectError(await get(p), 404, 'not-found');
    }
  });

  it('logs route, status and ids, but never the question, the intake, lab text or a key', async () => {
    const question = 'Is a zebra-striped lemon unusual for my PCOS';
    await post('/v1/ask', {
      question,
      profile: { female: { age: 33, labReports: ['Patient: Jane Unlikelyname\nAMH 1.1 ng/mL'] } },
    });
    await post('/v1/ask', { question }, { authorization: 'Bearer fek_secretsecret_abc' });
    const all = logLines.join('');
    expect(all).toContain('"route":"/v1/ask"');
    for (const secret of ['zebra-striped', 'Unlikelyname', 'AMH 1.1', 'fek_secretsecret'])
      expect(all).not.toContain(secret);
  });
});
