// Property tests: whatever a client sends — any route, method, path, query, headers, content
// type or body — the service answers with a JSON error of its own or a result, never a 5xx
// (bad input is always the client's 4xx) and never a crash. Real engine, real SQLite in memory.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../adapters/open-store.js';
import type { Store } from '../../ports/store.js';
import { createApp, type App } from './app.js';
import { ROUTES, type RouteSpec } from './schemas.js';
import { engineForTests } from './testing.js';

// The real engine takes seconds to build, more on a machine shared with other work.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

const UUID = '0b7c5c3e-5b1f-4c8e-9a55-3d9d2c1f0a11';
let store: Store;
let app: App;
/** A stored profile, so that routes taking an id also run with one that exists. */
let storedId = UUID;

beforeAll(async () => {
  store = await openStore('sqlite::memory:');
  app = await createApp({
    engine: await engineForTests(),
    store,
    config: { processMetrics: false, staticDir: null },
  });
  const created = await app.fastify.inject({
    method: 'POST',
    url: '/v1/profiles',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ female: { age: 36, tryingMonths: 20 }, male: { age: 38 } }),
  });
  expect(created.statusCode, created.body).toBe(201);
  storedId = (JSON.parse(created.body) as { id: string }).id;
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const specs = Object.values(ROUTES) as RouteSpec[];

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'text/csv',
    'application/fhir+json',
    'application/hl7-v2',
    'application/pdf',
    'application/octet-stream',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'application/json; charset=latin1',
    '',
  ),
  fc.string({ maxLength: 40 }),
);

const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -1, 1e308, -0));
const scalar = fc.oneof(number, fc.string({ maxLength: 30 }), fc.boolean(), fc.constant(null));
const lab = fc.record(
  {
    analyte: fc.oneof(fc.constantFrom('amh', 'fsh', 'tsh', 'sperm-concentration', 'nope'), fc.string()),
    value: fc.oneof(number, fc.string({ maxLength: 8 })),
    unit: fc.oneof(
      fc.constantFrom('ng/mL', 'pmol/L', 'mIU/mL', '10*6/mL', '%', 'parsecs'),
      fc.string({ maxLength: 8 }),
    ),
    date: fc.oneof(fc.constant('2024-02-30'), fc.constant('2025-01-01'), fc.string({ maxLength: 12 })),
    referenceRange: fc.record({ low: scalar, high: scalar }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const partner = fc.record(
  {
    age: fc.oneof(number, fc.string({ maxLength: 4 })),
    heightCm: scalar,
    weightKg: scalar,
    tryingMonths: scalar,
    afc: scalar,
    labs: fc.array(lab, { maxLength: 4 }),
    semen: fc.array(lab, { maxLength: 3 }),
    labReports: fc.array(
      fc.oneof(fc.string({ maxLength: 200 }), fc.constant('AMH 1.2 ng/mL (1.0-4.0)\nFSH 7 IU/L')),
      {
        maxLength: 2,
      },
    ),
    cycle: fc.record({ regular: scalar, lengthDays: scalar }, { requiredKeys: [] }),
    lifestyle: fc.record(
      { smoking: fc.constantFrom('never', 'current', 'sometimes', 3) },
      { requiredKeys: [] },
    ),
    typo: scalar,
  },
  { requiredKeys: [] },
);
const intake = fc.record(
  {
    female: partner,
    male: partner,
    prakriti: fc.record({ answers: fc.dictionary(fc.string(), fc.string()) }),
  },
  { requiredKeys: [] },
);

/** Type-correct values (plausible or not), so that requests get past the schema into the engine. */
const ANALYTES = [
  'amh',
  'fsh',
  'lh',
  'estradiol',
  'tsh',
  'prolactin',
  'free-t4',
  'testosterone-total',
  'glucose-fasting',
];
const UNITS = ['ng/mL', 'pmol/L', 'mIU/mL', 'IU/L', 'pg/mL', 'mIU/L', 'ng/dL', 'mg/dL', 'mmol/L', 'g'];
const measure = fc.double({ min: -10, max: 5000, noNaN: true });
const typedLab = fc.record(
  { analyte: fc.constantFrom(...ANALYTES), value: measure, unit: fc.constantFrom(...UNITS) },
  { requiredKeys: ['analyte', 'value', 'unit'] },
);
const semenLab = fc.record({
  analyte: fc.constantFrom(
    'semen-volume',
    'sperm-concentration',
    'progressive-motility',
    'normal-morphology',
  ),
  value: fc.double({ min: 0, max: 300, noNaN: true }),
  unit: fc.constantFrom('mL', '10*6/mL', '%'),
});
const labText = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        'AMH 1.2 ng/mL (1.0-4.0)',
        'FSH ........ 7,4  UI/l  3,5 - 12,5',
        'TSH 2.14 mIU/L 0.27-4.20',
        'Prolactine 18,4 ng/ml',
        'Patient: Jane Doe   DOB 01/02/1990',
        'Sperm concentration 15 x10^6/mL (>=16)',
        'Estradiol < 20 pg/mL',
        'Hb electrophoresis  see comment',
      ),
      { maxLength: 8 },
    )
    .map((lines) => lines.join('\n')),
  fc.string({ maxLength: 300 }),
);
const typedIntake = fc.record(
  {
    female: fc.record(
      {
        age: fc.integer({ min: -5, max: 130 }),
        heightCm: fc.double({ min: 0, max: 260, noNaN: true }),
        weightKg: fc.double({ min: 0, max: 300, noNaN: true }),
        tryingMonths: fc.integer({ min: 0, max: 300 }),
        afc: fc.integer({ min: 0, max: 80 }),
        tubalPatency: fc.constantFrom('bilateral', 'unilateral', 'none', 'unknown'),
        cycle: fc.record(
          { regular: fc.boolean(), lengthDays: fc.integer({ min: 0, max: 120 }) },
          { requiredKeys: [] },
        ),
        labs: fc.array(typedLab, { maxLength: 4 }),
        labReports: fc.array(labText, { maxLength: 1 }),
        lifestyle: fc.record(
          { smoking: fc.constantFrom('never', 'former', 'current') },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    male: fc.record(
      {
        age: fc.integer({ min: 10, max: 90 }),
        semen: fc.array(semenLab, { maxLength: 4 }),
        labReports: fc.array(labText, { maxLength: 1 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const QUESTIONS = [
  'Does smoking reduce fertility?',
  'What is a normal AMH level?',
  'Should we try IUI or IVF?',
  'Quel est un taux normal d’AMH ?',
  'I have severe abdominal pain after egg collection',
  'What is the capital of France?',
];
const question = fc.oneof(
  fc.constantFrom(...QUESTIONS),
  fc.tuple(fc.constantFrom(...QUESTIONS), fc.string({ maxLength: 40 })).map(([a, b]) => `${a} ${b}`),
  fc.string({ minLength: 1, maxLength: 200 }),
);
/** A type-correct body for each route that takes one. */
const typedBody: Partial<Record<string, fc.Arbitrary<string>>> = {
  '/v1/ask': fc
    .record({ question, profile: typedIntake }, { requiredKeys: ['question'] })
    .map((v) => JSON.stringify(v)),
  '/v1/profiles': typedIntake.map((v) => JSON.stringify(v)),
  '/v1/lab-reports/normalize': fc
    .record({ text: labText, sex: fc.constantFrom('female', 'male') }, { requiredKeys: ['text'] })
    .map((v) => JSON.stringify(v)),
};

/** Bodies near the real shapes (the interesting failures hide there), and anything at all. */
const body = fc.oneof(
  fc
    .record(
      { question: fc.oneof(fc.string({ maxLength: 300 }), scalar), profile: fc.oneof(intake, scalar) },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  intake.map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        text: fc.oneof(fc.string({ maxLength: 500 }), scalar),
        sex: scalar,
        profileId: fc.oneof(fc.uuid(), scalar),
        partner: scalar,
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc
    .record(
      { resourceType: fc.constantFrom('Bundle', 'Observation', 'Patient', 'x'), entry: fc.anything() },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc
    .record(
      { entries: fc.oneof(fc.array(fc.oneof(fc.object(), scalar), { maxLength: 3 }), scalar), note: scalar },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 400 }),
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
  fc.constantFrom(
    '',
    '{',
    '[]',
    'null',
    '{"__proto__":{"a":1}}',
    '{"constructor":{"prototype":{}}}',
    '\u0000',
    '{"question":"\ud800"}',
  ),
);

const query = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'limit',
      'cursor',
      'topic',
      'concept',
      'body',
      'kind',
      'q',
      'sex',
      'profileId',
      'partner',
      'filename',
    ),
    fc.string({ maxLength: 8 }),
  ),
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer().map(String),
    fc.constantFrom('-1', '0', '1e9', '%', '%zz', '[]'),
  ),
  { maxKeys: 3 },
);

const headers = fc.record(
  {
    authorization: fc.oneof(
      fc.constantFrom('Bearer', 'Bearer ', 'Basic abc', 'Bearer fek_x_y', 'bearer  \t x'),
      fc.string({ maxLength: 40 }),
    ),
    'x-request-id': fc.string({ maxLength: 80 }),
    accept: fc.constantFrom('*/*', 'text/html', 'application/xml'),
  },
  { requiredKeys: [] },
);

function pathFor(spec: RouteSpec, id: string): string {
  return spec.url.replace(/:([A-Za-z]+)/g, () => encodeURIComponent(id));
}

const HEADER_SAFE = /^[\t\x20-\x7e]*$/; // what node's http client would even send

async function check(
  method: string,
  url: string,
  h: Record<string, string>,
  type: string,
  payload: string | Buffer,
): Promise<void> {
  const sent: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (HEADER_SAFE.test(v)) sent[k] = v;
  if (type !== '' && HEADER_SAFE.test(type)) sent['content-type'] = type;
  const r = await app.fastify.inject({
    method: method as 'GET',
    url,
    headers: sent,
    ...(method === 'GET' || method === 'HEAD' ? {} : { payload }),
  });
  expect(r.statusCode, `${method} ${url} [${type}] → ${r.statusCode} ${r.body.slice(0, 300)}`).toBeLessThan(
    500,
  );
  if (r.statusCode >= 400 && method !== 'HEAD') {
    const err = JSON.parse(r.body).error;
    expect(typeof err.code).toBe('string');
    expect(typeof err.message).toBe('string');
  }
}

/** Mostly plausible requests (JSON, no key: they reach validation and the engine), some wild ones. */
const request = fc.oneof(
  { weight: 3, arbitrary: fc.record({ headers: fc.constant({}), type: fc.constant('application/json') }) },
  { weight: 1, arbitrary: fc.record({ headers, type: contentType }) },
);

describe('fuzzing every route', () => {
  for (const spec of specs) {
    it(`${spec.method} ${spec.url}: never a 5xx`, async () => {
      const runs =
        spec.url === '/v1/knowledge/reload'
          ? 40
          : spec.url === '/v1/ask' || spec.url === '/v1/profiles'
            ? 200
            : 80;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.uuid(),
            fc.constant(UUID),
            fc.string({ maxLength: 120 }),
            fc.constant(null).map(() => storedId),
          ),
          fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: query }),
          request,
          typedBody[spec.url]
            ? fc.oneof({ weight: 3, arbitrary: typedBody[spec.url]! }, { weight: 1, arbitrary: body })
            : body,
          async (id, q, req, payload) => {
            const qs = new URLSearchParams(q).toString();
            await check(
              spec.method,
              `${pathFor(spec, id)}${qs ? `?${qs}` : ''}`,
              req.headers,
              req.type,
              payload,
            );
          },
        ),
        { numRuns: runs },
      );
    }, 120_000);
  }

  it('random methods and paths: never a 5xx', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'v1',
        'ask',
        'profiles',
        'knowledge',
        'entries',
        '..',
        '%2e%2e',
        '%00',
        '',
        'healthz',
        'metrics',
        'openapi.json',
        'index.html',
      ),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
        fc.array(segment, { maxLength: 5 }),
        headers,
        contentType,
        body,
        async (method, parts, h, type, payload) => {
          await check(method, `/${parts.join('/')}`, h, type, payload);
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);
});
