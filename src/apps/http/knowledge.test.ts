// Knowledge reloads through the API (in memory, real engine and SQLite store): an invalid bank is
// refused and the old version keeps serving; a valid one is published and served; an answer in
// flight finishes on the version it started with.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore } from '../../adapters/open-store.js';
import { createEngine, type Engine } from '../../engine.js';
import { KNOWLEDGE_DIR } from '../../paths.js';
import type { ChatModel, ChatResponse } from '../../ports/llm.js';
import type { JsonObject, Store } from '../../ports/store.js';
import { createApp, type App } from './app.js';
import { prepareDirectory } from './knowledge-sync.js';
import { calibratorForTests } from './testing.js';

// The real engine takes seconds to build, more on a machine shared with other work.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

type Res = Awaited<ReturnType<App['fastify']['inject']>>;
// Assertions walk response JSON freely; its shapes are checked against the API schemas elsewhere.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: Res): any => JSON.parse(r.body);

/** A language model that answers only when the test lets it (to hold an answer in flight). */
class GatedModel implements ChatModel {
  readonly id = 'gated-test-model';
  calls = 0;
  #open: (() => void) | null = null;
  #started: (() => void) | null = null;
  readonly started = new Promise<void>((r) => (this.#started = r));
  readonly #gate = new Promise<void>((r) => (this.#open = r));
  release(): void {
    this.#open?.();
  }
  async complete(): Promise<ChatResponse> {
    this.calls++;
    this.#started?.();
    await this.#gate;
    // Unverifiable text: the engine falls back to its extractive answer, which is what we check.
    return { text: 'Nothing here is supported.', model: this.id };
  }
}

let engine: Engine;
let store: Store;
let app: App;
let original: string;
const model = new GatedModel();

beforeAll(async () => {
  const calibrator = calibratorForTests();
  engine = await createEngine(
    { synthesis: { mode: 'llm', llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'gated' } } },
    { llm: model, ...(calibrator ? { calibrator } : {}) },
  );
  store = await openStore('sqlite::memory:');
  app = await createApp({ engine, store, config: { processMetrics: false, staticDir: null } });
  original = engine.knowledge().version;
});

afterAll(async () => {
  model.release();
  await app.close();
  await store.close();
});

const reload = (body: unknown): Promise<Res> =>
  app.fastify.inject({
    method: 'POST',
    url: '/v1/knowledge/reload',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
const health = async (): Promise<{ knowledge: { version: string; publication: number } }> =>
  json(await app.fastify.inject({ method: 'GET', url: '/healthz' }));

describe('POST /v1/knowledge/reload', () => {
  it('published the directory on start', async () => {
    const v = json(await app.fastify.inject({ method: 'GET', url: '/v1/knowledge/versions' }));
    expect(v.publications).toHaveLength(1);
    expect(v.publications[0]).toMatchObject({ n: 1, version: original, publishedBy: 'app' });
  });

  it('refuses an invalid bank with every error, publishes nothing, and keeps serving the old version', async () => {
    const stored = prepareDirectory(KNOWLEDGE_DIR).stored;
    const broken = stored.map((e, i) =>
      i === 0 ? { ...e, source: undefined } : i === 1 ? { ...e, concepts: ['no-such-concept'] } : e,
    );
    const r = await reload({ entries: broken });
    expect(r.statusCode, r.body).toBe(400);
    const err = json(r).error;
    expect(err.code).toBe('kb-rejected');
    expect(err.message).toMatch(/previous version keeps serving/);
    expect(err.issues.length).toBeGreaterThanOrEqual(3);
    expect(err.issues.map((i: { code: string }) => i.code)).toContain('kb-concept-unknown');
    for (const bad of [
      { entries: [1, 'x'] },
      { entries: [{ id: 'x', topic: 7 }] },
      { entries: [] },
      { entries: stored.map((e) => ({ ...e, status: 'draft' })) },
    ]) {
      const res = await reload(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await reload({ entries: 'all of them' })).statusCode).toBe(400);
    expect(engine.knowledge().version).toBe(original);
    expect((await health()).knowledge.version).toBe(original);
    const v = json(await app.fastify.inject({ method: 'GET', url: '/v1/knowledge/versions' }));
    expect(v.publications).toHaveLength(1);
    // A question still answers from the old version.
    model.release();
    const a = await app.fastify.inject({
      method: 'POST',
      url: '/v1/ask',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ question: 'What is a normal AMH level?' }),
    });
    expect(json(a).kb.version).toBe(original);
  });

  it('publishes and serves a valid bank given as entries, keeping topics', async () => {
    const stored = prepareDirectory(KNOWLEDGE_DIR).stored;
    const referenced = new Set(stored.flatMap((e) => (e.supersedes as string[] | undefined) ?? []));
    const drop = stored.find(
      (e) => e.status === 'published' && !referenced.has(e.id as string),
    ) as JsonObject;
    const r = await reload({ entries: stored.filter((e) => e !== drop), note: 'drop one entry' });
    expect(r.statusCode, r.body).toBe(200);
    const body = json(r);
    expect(body.changed).toBe(true);
    expect(body.version).not.toBe(original);
    expect(body.publication).toMatchObject({ n: 2, note: 'drop one entry' });
    expect(engine.knowledge().version).toBe(body.version);
    expect(engine.knowledge().byId.has(drop.id as string)).toBe(false);
    expect((await health()).knowledge).toMatchObject({ version: body.version, publication: 2 });
    const topic = drop.topic as string;
    const listed = json(
      await app.fastify.inject({ method: 'GET', url: `/v1/knowledge/entries?topic=${topic}&limit=200` }),
    );
    expect(listed.total).toBeGreaterThan(0);
    expect(listed.version).toBe(body.version);

    const back = json(await reload({}));
    expect(back).toMatchObject({ version: original, changed: true, publication: { n: 3 } });
  });

  it('finishes an answer in flight on the version it started with, while a reload swaps', async () => {
    const stored = prepareDirectory(KNOWLEDGE_DIR).stored;
    const referenced = new Set(stored.flatMap((e) => (e.supersedes as string[] | undefined) ?? []));
    const drops = stored
      .filter((e) => e.status === 'published' && !referenced.has(e.id as string))
      .slice(0, 2);
    const gated = new GatedModel();
    // This test is about versions, not confidence: a calibrator that always answers makes sure
    // the answer reaches the (held) language model.
    const e2 = await createEngine(
      { synthesis: { mode: 'llm', llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'gated' } } },
      { llm: gated, calibrator: { version: 'always-answer', threshold: 0.5, probability: () => 0.9 } },
    );
    const s2 = await openStore('sqlite::memory:');
    const app2 = await createApp({
      engine: e2,
      store: s2,
      config: { processMetrics: false, staticDir: null },
    });
    try {
      const before = e2.knowledge().version;
      const inFlight = app2.fastify.inject({
        method: 'POST',
        url: '/v1/ask',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ question: 'Does smoking reduce fertility?' }),
      });
      await gated.started; // the answer has taken its snapshot and is waiting on the model
      const swapped = await app2.fastify.inject({
        method: 'POST',
        url: '/v1/knowledge/reload',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ entries: stored.filter((e) => !drops.includes(e)) }),
      });
      expect(swapped.statusCode, swapped.body).toBe(200);
      const after = json(swapped).version;
      expect(after).not.toBe(before);
      gated.release();
      const answered = await inFlight;
      expect(answered.statusCode, answered.body).toBe(200);
      expect(json(answered).kb.version).toBe(before);
      const [seq] = String(answered.headers['x-audit-record']).split(':');
      const rec = await s2.getAuditRecord((await s2.getTenant('local'))!.id, Number(seq));
      expect(rec?.payload.knowledgeVersion).toBe(before);
      const next = await app2.fastify.inject({
        method: 'POST',
        url: '/v1/ask',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ question: 'Does smoking reduce fertility?' }),
      });
      expect(json(next).kb.version).toBe(after);
    } finally {
      gated.release();
      await app2.close();
      await s2.close();
    }
  }, 30_000);

  it('answers 504 timeout when an answer takes longer than its route allows, and keeps serving', async () => {
    const gated = new GatedModel();
    const e3 = await createEngine(
      { synthesis: { mode: 'llm', llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'gated' } } },
      { llm: gated, calibrator: { version: 'always-answer', threshold: 0.5, probability: () => 0.9 } },
    );
    const s3 = await openStore('sqlite::memory:');
    const app3 = await createApp({
      engine: e3,
      store: s3,
      config: { processMetrics: false, staticDir: null, routeTimeoutsMs: { ask: 200 } },
    });
    try {
      const slow = await app3.fastify.inject({
        method: 'POST',
        url: '/v1/ask',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ question: 'Does smoking reduce fertility?' }),
      });
      expect(slow.statusCode, slow.body).toBe(504);
      expect(JSON.parse(slow.body).error).toMatchObject({ code: 'timeout', retryable: true });
      gated.release();
      const fine = await app3.fastify.inject({
        method: 'POST',
        url: '/v1/ask',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ question: 'Does smoking reduce fertility?' }),
      });
      expect(fine.statusCode).toBe(200);
    } finally {
      gated.release();
      await app3.close();
      await s3.close();
    }
  }, 30_000);
});

/** A language model that waits, then reports whether the signal it was given had fired. */
class SignalWatchingModel implements ChatModel {
  readonly id = 'signal-watching-test-model';
  seen: Array<{ abortedAtStart: boolean; abortedAtEnd: boolean; reason: unknown }> = [];
  readonly waitMs: number;
  constructor(waitMs: number) {
    this.waitMs = waitMs;
  }
  async complete(_req: unknown, signal?: AbortSignal): Promise<ChatResponse> {
    const abortedAtStart = signal?.aborted ?? false;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, this.waitMs);
      signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
    this.seen.push({ abortedAtStart, abortedAtEnd: signal?.aborted ?? false, reason: signal?.reason });
    return { text: 'Nothing here is supported.', model: this.id };
  }
}

describe('cancelling a language-model call over a real connection', () => {
  async function serving(model: ChatModel, askTimeoutMs?: number) {
    const e = await createEngine(
      { synthesis: { mode: 'llm', llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'watching' } } },
      { llm: model, calibrator: { version: 'always-answer', threshold: 0.5, probability: () => 0.9 } },
    );
    const s = await openStore('sqlite::memory:');
    const a = await createApp({
      engine: e,
      store: s,
      config: {
        processMetrics: false,
        staticDir: null,
        ...(askTimeoutMs !== undefined ? { routeTimeoutsMs: { ask: askTimeoutMs } } : {}),
      },
    });
    const url = await a.fastify.listen({ port: 0, host: '127.0.0.1' });
    const ask = () =>
      fetch(`${url}/v1/ask`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: 'Does smoking reduce fertility?' }),
      });
    return { ask, close: async () => (await a.close(), await s.close()) };
  }

  // Node emits a request's `close` once its body has been read; fastify's own request.signal
  // aborted then (and its handler timeout was cleared), so every model call over HTTP was
  // cancelled before it started, and a slow one was never cut off. Over `inject` neither shows.
  it('does not cancel the call once the request body has been read', async () => {
    const model = new SignalWatchingModel(100);
    const srv = await serving(model);
    try {
      const r = await srv.ask();
      expect(r.status).toBe(200);
      expect(model.seen).toEqual([{ abortedAtStart: false, abortedAtEnd: false, reason: undefined }]);
    } finally {
      await srv.close();
    }
  }, 30_000);

  it('answers 504 and cancels the call when the route time limit passes', async () => {
    const model = new SignalWatchingModel(10_000);
    const srv = await serving(model, 200);
    try {
      const r = await srv.ask();
      expect(r.status).toBe(504);
      await vi.waitFor(() => expect(model.seen).toHaveLength(1));
      expect(model.seen[0]).toMatchObject({ abortedAtStart: false, abortedAtEnd: true });
      expect((model.seen[0]!.reason as { issues?: Array<{ code: string }> }).issues?.[0]?.code).toBe(
        'timeout',
      );
    } finally {
      await srv.close();
    }
  }, 30_000);
});
