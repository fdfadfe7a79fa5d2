// `fertility serve` as a real process (the built CLI, as `npm start` runs it) on real SQLite
// files: it listens, answers, keeps clinics apart over the network, refuses to listen beyond
// loopback without keys, and drains requests in flight on SIGTERM without losing an audit record.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../adapters/open-store.js';
import type { AuditRecord, Store } from '../../ports/store.js';
import { KNOWLEDGE_DIR } from '../../paths.js';
import { prepareDirectory } from './knowledge-sync.js';
import { loadLoop, request, startServeProcess, type ServeProcess } from './processes.js';

const root = mkdtempSync(join(tmpdir(), 'fertility-serve-'));
let n = 0;
const dbPath = (): string => join(root, `serve-${n++}.db`);
const running: ServeProcess[] = [];
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) await p.stop();
  rmSync(root, { recursive: true, force: true });
});

async function allAudit(store: Store, tenantId: string): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (;;) {
    const page = await store.listAudit(tenantId, { afterSeq: out.at(-1)?.seq ?? 0, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

async function serve(args: string[]): Promise<ServeProcess> {
  const p = await startServeProcess(args);
  running.push(p);
  return p;
}

const QUESTIONS = [
  'Does smoking reduce fertility?',
  'What is a normal AMH level?',
  'When should we see a fertility specialist?',
  'What is the capital of France?',
  'Is IVF better than IUI for unexplained infertility?',
];

describe('fertility serve on SQLite', () => {
  it('listens on 127.0.0.1 without keys, serves the API and the UI route, and exits 0 on SIGTERM', async () => {
    const db = dbPath();
    const p = await serve(['--db', db]);
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const h = await request(p.url, { path: '/healthz' });
    expect(h.status).toBe(200);
    expect(JSON.parse(h.body)).toMatchObject({ status: 'ok', store: { driver: 'sqlite' }, auth: 'none' });
    const a = await request(p.url, { path: '/v1/ask', body: JSON.stringify({ question: QUESTIONS[0] }) });
    expect(a.status, a.body).toBe(200);
    expect(a.headers['x-audit-record']).toMatch(/^\d+:/);
    for (const [path, body, status] of [
      ['/v1/ask', '{"question":', 400],
      ['/v1/ask', JSON.stringify({ question: ['x'] }), 400],
      ['/v1/ask', JSON.stringify({ question: 'q', pad: 'x'.repeat(2 * 1024 * 1024) }), 413],
      ['/v1/nowhere', '{}', 404],
    ] as const) {
      const r = await request(p.url, { path, body });
      expect(r.status, `${path}: ${r.body.slice(0, 200)}`).toBe(status);
      expect(JSON.parse(r.body).error.code).toBeDefined();
    }
    // Refused while the client is still sending it: the 413 arrives every time, never a reset
    // connection (before the body was drained, one request in five failed with EPIPE).
    const big = JSON.stringify({ question: 'q', pad: 'x'.repeat(2 * 1024 * 1024) });
    for (let k = 0; k < 10; k++) {
      const r = await request(p.url, { path: '/v1/ask', body: big });
      expect(r.status, `attempt ${k + 1}: ${r.error ?? ''}`).toBe(413);
    }
    expect(await p.stop()).toBe(0);
    const store = await openStore(db);
    try {
      const local = await store.getTenant('local');
      const audit = await store.listAudit(local!.id, { limit: 1000 });
      expect(audit.filter((r) => r.kind === 'answer.ask')).toHaveLength(1);
      expect((await store.verifyAudit()).ok).toBe(true);
      expect(await store.currentKnowledge()).toMatchObject({ n: 1, publishedBy: 'serve' });
    } finally {
      await store.close();
    }
    // No log line carries the question or a body.
    expect(p.stderr()).not.toContain('smoking');
    expect(p.stderr()).toContain('"route":"/v1/ask"');
  });

  it('refuses to listen beyond loopback while no API key exists', async () => {
    await expect(startServeProcess(['--db', dbPath(), '--host', '0.0.0.0'])).rejects.toThrow(
      /no API key exists yet.*127\.0\.0\.1 only/,
    );
    await expect(startServeProcess(['--db', dbPath(), '--port', '99999'])).rejects.toThrow(/--port/);
  });

  it('keeps clinics apart over the network once keys exist', async () => {
    const db = dbPath();
    const setup = await openStore(db);
    const a = await setup.createTenant('clinic-a');
    const b = await setup.createTenant('clinic-b');
    const keyA = (await setup.createApiKey(a.id)).key;
    const keyB = (await setup.createApiKey(b.id)).key;
    await setup.close();
    const p = await serve(['--db', db, '--host', '127.0.0.1']);
    const auth = (k: string): Record<string, string> => ({ authorization: `Bearer ${k}` });
    const created = await request(p.url, {
      path: '/v1/profiles',
      body: JSON.stringify({ female: { age: 36, tryingMonths: 14 } }),
      headers: auth(keyA),
    });
    expect(created.status, created.body).toBe(201);
    const id = JSON.parse(created.body).id as string;
    expect((await request(p.url, { path: `/v1/profiles/${id}`, headers: auth(keyA) })).status).toBe(200);
    expect((await request(p.url, { path: `/v1/profiles/${id}`, headers: auth(keyB) })).status).toBe(404);
    expect((await request(p.url, { path: `/v1/profiles/${id}` })).status).toBe(401);
    expect(
      JSON.parse((await request(p.url, { path: '/v1/profiles', headers: auth(keyB) })).body).items,
    ).toEqual([]);
    expect(await p.stop()).toBe(0);
  });

  it('runs several worker processes on one SQLite file; a published version reaches every worker', async () => {
    const db = dbPath();
    const p = await serve(['--db', db, '--workers', '2', '--log-level', 'warn']);
    const health = async () =>
      JSON.parse((await request(p.url, { path: '/healthz', headers: { connection: 'close' } })).body);
    const before = (await health()).knowledge.version as string;
    const stored = prepareDirectory(KNOWLEDGE_DIR).stored;
    const referenced = new Set(stored.flatMap((e) => (e.supersedes as string[] | undefined) ?? []));
    const drop = stored.find((e) => e.status === 'published' && !referenced.has(e.id as string));
    const r = await request(p.url, {
      path: '/v1/knowledge/reload',
      body: JSON.stringify({ entries: stored.filter((e) => e !== drop) }),
    });
    expect(r.status, r.body).toBe(200);
    const after = JSON.parse(r.body).version as string;
    expect(after).not.toBe(before);
    // Connections are spread over the workers: ten answers in a row on the new version, each
    // on a fresh connection, mean every worker has swapped.
    const t0 = performance.now();
    let streak = 0;
    while (streak < 10 && performance.now() - t0 < 10_000) {
      streak = (await health()).knowledge.version === after ? streak + 1 : 0;
    }
    expect(streak).toBe(10);
    expect(await p.stop()).toBe(0);
    const store = await openStore(db);
    try {
      expect((await store.listKnowledgePublications()).map((x) => x.n)).toEqual([2, 1]); // the primary published once
    } finally {
      await store.close();
    }
  });

  it('drains requests in flight on SIGTERM under load: every answer given is audited, none is cut off', async () => {
    const db = dbPath();
    const p = await serve(['--db', db, '--log-level', 'warn']);
    const load = loadLoop(
      p.url,
      16,
      (i) => ({ path: '/v1/ask', body: JSON.stringify({ question: QUESTIONS[i % QUESTIONS.length] }) }),
      { stopOnError: true },
    );
    await new Promise((r) => setTimeout(r, 1500));
    const before = load.outcomes.length;
    p.child.kill('SIGTERM');
    const code = await p.exited;
    const outcomes = await load.stop();
    expect(code).toBe(0);
    expect(before).toBeGreaterThan(10); // it was under load
    const ok = outcomes.filter((o) => o.status === 200);
    const statuses = new Set(outcomes.filter((o) => o.status !== null).map((o) => o.status));
    for (const s of statuses) expect([200, 503]).toContain(s);
    // Answers completed after the signal: the requests in flight were answered, not dropped.
    expect(outcomes.slice(before).some((o) => o.status === 200)).toBe(true);
    const store = await openStore(db);
    try {
      const local = await store.getTenant('local');
      const audited = (await allAudit(store, local!.id)).filter((r) => r.kind === 'answer.ask');
      // Exactly the answers that reached a client were recorded: none acknowledged and lost, none
      // recorded and then cut off with its connection.
      expect(new Set(audited.map((r) => r.id))).toEqual(
        new Set(ok.map((o) => String(o.headers['x-audit-record']).split(':')[1])),
      );
      expect((await store.verifyAudit()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
