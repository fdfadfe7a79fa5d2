/**
 * @module adapters/store.contract
 * The one contract every {@link Store} adapter passes, run by `sqlite/store.int.test.ts` and
 * `postgres/store.int.test.ts` against real databases. A harness supplies fresh, empty stores and
 * raw SQL access to the same database, which the tests use to look behind the port: that key
 * plaintext is nowhere on disk, and that tampering with rows is caught by `verifyAudit`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  StoreError,
  type AuditRecord,
  type JsonObject,
  type KnowledgePublication,
  type Store,
  type StoreOptions,
} from '../ports/store.js';
import type { NormalizedReport } from '../domain/observation.js';
import { auditHash, canonicalJson, sha256 } from './store-core.js';

/** Raw access to the database behind a store, for looking past the port. */
export interface RawDb {
  /** Rows of a query; placeholders are `?` in both dialects. */
  all(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  run(sql: string, params?: unknown[]): Promise<void>;
  /** Remove the append-only triggers, as someone with DDL rights could. */
  dropAuditGuards(): Promise<void>;
  /** Everything stored, as text (file bytes for SQLite, every row of every table for PostgreSQL). */
  dump(): Promise<string>;
}

/** A fresh, empty, migrated store and ways to reach its database. */
export interface StoreFixture {
  store: Store;
  raw: RawDb;
  /** Another independent store on the same database (a second pool, a second connection). */
  openAnother(options?: StoreOptions): Promise<Store>;
  /** A URL a child process can open, or null for a database private to this process. */
  url: string | null;
  /** Close everything this fixture opened and remove its database. */
  dispose(): Promise<void>;
}

/** What an adapter's integration test provides. */
export interface StoreHarness {
  name: string;
  fresh(): Promise<StoreFixture>;
}

/** A minimal valid normalized report (contracts §3). */
export function sampleReport(value = 1.2): NormalizedReport {
  return {
    observations: [
      {
        analyte: 'amh',
        loinc: '38476-8',
        value,
        unit: 'ng/mL',
        original: { name: 'AMH', value: String(value), unit: 'ng/mL', line: 3 },
        referenceRange: { low: 1, high: 4, unit: 'ng/mL', text: '1.0 - 4.0' },
        flag: 'normal',
        method: null,
        confidence: 0.99,
      },
    ],
    unrecognized: [],
    warnings: [],
  };
}

const VERSION_A = 'sha256:' + 'a'.repeat(64);
const VERSION_B = 'sha256:' + 'b'.repeat(64);
const ENTRIES_A: JsonObject[] = [{ id: 'entry-one', title: 'One' }];
const ENTRIES_B: JsonObject[] = [
  { id: 'entry-one', title: 'One' },
  { id: 'entry-two', title: 'Two' },
];

/** Await a rejection and check it is a StoreError with this code (and path). */
export async function expectStoreError(
  p: Promise<unknown>,
  code: string,
  path?: string,
): Promise<StoreError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  if (!(caught instanceof StoreError)) {
    throw new Error(`expected StoreError ${code}, got ${caught === undefined ? 'success' : String(caught)}`);
  }
  expect(caught.code).toBe(code);
  if (path !== undefined) expect(caught.issues[0]!.path).toBe(path);
  return caught;
}

/** Resolve when `check` returns a value, or fail after `ms`. */
export async function waitFor<T>(check: () => T | undefined, ms: number, what: string): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Run the contract worker in a separate Node process; resolves with the seqs it appended. */
export function runWorkerProcess(
  url: string,
  tenantId: string,
  count: number,
  tag: string,
): Promise<number[]> {
  const hooks = new URL('./store.contract-hooks.mjs', import.meta.url).href;
  const register = `import{register}from"node:module";register(${JSON.stringify(hooks)});`;
  const worker = fileURLToPath(new URL('./store.contract-worker.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(register)}`,
        worker,
        url,
        tenantId,
        String(count),
        tag,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err.slice(0, 2000)}`));
      try {
        resolve((JSON.parse(out) as { seqs: number[] }).seqs);
      } catch (e) {
        reject(new Error(`worker printed no result (${(e as Error).message}): ${out} ${err}`));
      }
    });
  });
}

/** Define the contract tests for one adapter. */
export function runStoreContract(harness: StoreHarness): void {
  describe(`${harness.name} store contract`, () => {
    let fx: StoreFixture;
    let store: Store;
    const extra: Store[] = [];

    beforeEach(async () => {
      fx = await harness.fresh();
      store = fx.store;
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await fx.dispose();
    });

    async function another(options?: StoreOptions): Promise<Store> {
      const s = await fx.openAnother(options);
      extra.push(s);
      return s;
    }

    describe('tenants', () => {
      it('creates, finds by id and by name, lists, and refuses a duplicate name', async () => {
        const a = await store.createTenant('  clinic-a ');
        expect(a.name).toBe('clinic-a');
        expect(await store.getTenant(a.id)).toEqual(a);
        expect(await store.getTenant('clinic-a')).toEqual(a);
        expect(await store.getTenant('nobody')).toBeNull();
        const b = await store.createTenant('clinic-b');
        expect((await store.listTenants()).map((t) => t.name)).toEqual(['clinic-a', 'clinic-b']);
        await expectStoreError(store.createTenant('clinic-a'), 'already-exists', 'name');
        expect(await store.getTenant(b.id)).toEqual(b);
      });

      it('ensureTenant returns one tenant even when callers race', async () => {
        const other = await another();
        const all = await Promise.all([
          store.ensureTenant('local'),
          other.ensureTenant('local'),
          store.ensureTenant('local'),
          other.ensureTenant('local'),
        ]);
        expect(new Set(all.map((t) => t.id)).size).toBe(1);
        expect(await store.listTenants()).toHaveLength(1);
      });

      it('refuses bad names with input-invalid', async () => {
        await expectStoreError(store.createTenant(''), 'input-invalid', 'name');
        await expectStoreError(store.createTenant('x'.repeat(101)), 'input-invalid', 'name');
        await expectStoreError(store.createTenant('a\u0000b'), 'input-invalid', 'name');
        await expectStoreError(store.createTenant(42 as unknown as string), 'input-invalid', 'name');
        expect(await store.listTenants()).toEqual([]);
      });

      it("starts each tenant's audit chain with a tenant.created record from genesis", async () => {
        const t = await store.createTenant('clinic-a');
        const [first] = await store.listAudit(t.id);
        expect(first).toMatchObject({
          seq: 1,
          kind: 'tenant.created',
          prevHash: GENESIS_HASH,
          tenantId: t.id,
        });
        expect(first!.payload).toEqual({ name: 'clinic-a' });
      });
    });

    describe('API keys', () => {
      it('stores only a hash: the plaintext appears nowhere in the database', async () => {
        const t = await store.createTenant('clinic-a');
        const { key, info } = await store.createApiKey(t.id, { label: 'front desk' });
        const secret = key.slice('fek_0123456789abcdef_'.length); // base64url may itself contain '_'
        expect(secret).toHaveLength(43);
        const rows = await fx.raw.all('SELECT * FROM api_keys');
        expect(rows).toHaveLength(1);
        const rowText = JSON.stringify(rows);
        expect(rowText).not.toContain(secret);
        expect(rows[0]!.key_hash).toBe(sha256(key));
        const everything = await fx.raw.dump();
        expect(everything).toContain(info.id); // the dump really covers the keys table
        expect(everything).not.toContain(secret);
        expect(JSON.stringify(await store.listApiKeys())).not.toContain(secret);
      });

      it('authenticates, revokes (idempotently) and reports unknown keys', async () => {
        const t = await store.createTenant('clinic-a');
        expect(await store.hasAnyKey()).toBe(false);
        const { key, info } = await store.createApiKey(t.id);
        expect(await store.hasAnyKey()).toBe(true);
        expect(info).toMatchObject({ tenantId: t.id, label: null, revokedAt: null });
        expect(await store.authenticate(key)).toEqual({ kind: 'ok', tenant: t, keyId: info.id });
        const revoked = await store.revokeApiKey(info.id);
        expect(revoked.revokedAt).not.toBeNull();
        expect(await store.authenticate(key)).toEqual({ kind: 'revoked', tenantId: t.id, keyId: info.id });
        const again = await store.revokeApiKey(info.id);
        expect(again.revokedAt).toBe(revoked.revokedAt);
        // Fail closed: a database whose keys are all revoked still requires keys.
        expect(await store.hasAnyKey()).toBe(true);
        const kinds = (await store.listAudit(t.id)).map((r) => r.kind);
        expect(kinds).toEqual(['tenant.created', 'key.created', 'key.revoked']);
        // Right shape, wrong secret; wrong shape; not a string.
        const forged = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
        for (const k of [forged, 'Bearer ' + key, '', 'fek_', 12 as unknown as string]) {
          expect(await store.authenticate(k)).toEqual({ kind: 'unknown' });
        }
      });

      it('lists keys per tenant without secrets and rejects bad key operations clearly', async () => {
        const a = await store.createTenant('clinic-a');
        const b = await store.createTenant('clinic-b');
        const ka = await store.createApiKey(a.id, { label: 'a1' });
        const kb = await store.createApiKey(b.id, { label: 'b1' });
        expect((await store.listApiKeys(a.id)).map((k) => k.id)).toEqual([ka.info.id]);
        expect((await store.listApiKeys()).map((k) => k.id).sort()).toEqual([ka.info.id, kb.info.id].sort());
        expect(Object.keys((await store.listApiKeys(a.id))[0]!).sort()).toEqual([
          'createdAt',
          'id',
          'label',
          'revokedAt',
          'tenantId',
        ]);
        await expectStoreError(
          store.createApiKey('00000000-0000-4000-8000-000000000000'),
          'not-found',
          'tenantId',
        );
        await expectStoreError(
          store.createApiKey(a.id, { label: 'x'.repeat(101) }),
          'input-invalid',
          'label',
        );
        await expectStoreError(store.revokeApiKey('nope'), 'input-invalid', 'keyId');
        await expectStoreError(store.revokeApiKey('0123456789abcdef'), 'not-found', 'keyId');
      });
    });

    describe('tenant isolation', () => {
      it("never lets one clinic read another's profiles, observations, audit records or keys", async () => {
        const a = await store.createTenant('clinic-a');
        const b = await store.createTenant('clinic-b');
        const pb = await store.saveProfile(b.id, {
          intake: { female: { age: 34 } },
          profile: { classifications: [] },
        });
        const ob = await store.saveObservations(b.id, {
          report: sampleReport(),
          profileId: pb.id,
          partner: 'female',
        });
        const standalone = await store.saveObservations(b.id, { report: sampleReport(2) });
        const rb = await store.appendAudit(b.id, { kind: 'answer', payload: { question: 'b only' } });
        const kb = await store.createApiKey(b.id);

        // Every read path, asked by A for B's things.
        expect(await store.getProfile(a.id, pb.id)).toBeNull();
        expect((await store.listProfiles(a.id)).items).toEqual([]);
        expect(await store.getObservations(a.id, ob.id)).toBeNull();
        expect(await store.getObservations(a.id, standalone.id)).toBeNull();
        expect((await store.listObservations(a.id)).items).toEqual([]);
        expect((await store.listObservations(a.id, { profileId: pb.id })).items).toEqual([]);
        const aAudit = await store.listAudit(a.id, { limit: 1000 });
        expect(aAudit.every((r) => r.tenantId === a.id)).toBe(true);
        expect(aAudit.map((r) => r.id)).not.toContain(rb.id);
        const sameSeq = await store.getAuditRecord(a.id, rb.seq);
        expect(sameSeq === null || (sameSeq.tenantId === a.id && sameSeq.id !== rb.id)).toBe(true);
        const verifyA = await store.verifyAudit({ tenantId: a.id });
        expect(verifyA.chains).toBe(1);
        expect(verifyA.heads.map((h) => h.tenantId)).toEqual([a.id]);
        expect(await store.listApiKeys(a.id)).toEqual([]);
        const auth = await store.authenticate(kb.key);
        expect(auth.kind === 'ok' && auth.tenant.id).toBe(b.id);

        // Writes that would reach into B are refused as not-found, and change nothing.
        await expectStoreError(
          store.saveObservations(a.id, { report: sampleReport(), profileId: pb.id }),
          'not-found',
          'profileId',
        );
        await expectStoreError(store.revokeApiKey(kb.info.id, { tenantId: a.id }), 'not-found', 'keyId');
        expect((await store.authenticate(kb.key)).kind).toBe('ok');

        // B still sees its own.
        expect(await store.getProfile(b.id, pb.id)).toEqual(pb);
        expect(await store.getObservations(b.id, ob.id)).toEqual(ob);
        expect((await store.listObservations(b.id, { profileId: pb.id })).items.map((o) => o.id)).toEqual([
          ob.id,
        ]);
        expect(await store.getAuditRecord(b.id, rb.seq)).toEqual(rb);

        // Ids that are not ids, or tenants that do not exist: nothing, not an error.
        expect(await store.getProfile('not-a-tenant', pb.id)).toBeNull();
        expect(await store.getProfile(b.id, "' OR 1=1 --")).toBeNull();
        expect((await store.listProfiles('00000000-0000-4000-8000-000000000000')).items).toEqual([]);
        expect(await store.listAudit('x')).toEqual([]);
        await expectStoreError(
          store.appendAudit('x', { kind: 'answer', payload: {} }),
          'not-found',
          'tenantId',
        );
      });
    });

    describe('profiles', () => {
      it('saves and reads back the intake and profile, with the canonical intake hash', async () => {
        const t = await store.createTenant('clinic-a');
        const intake = {
          male: { age: 36 },
          female: { age: 34, labs: [{ analyte: 'amh', value: 1.2, unit: 'ng/mL' }] },
        };
        const saved = await store.saveProfile(t.id, {
          intake,
          profile: { classifications: [{ id: 'poseidon', value: 'group-3' }] },
          knowledgeVersion: VERSION_A,
        });
        expect(saved.intakeHash).toBe(sha256(canonicalJson(intake)));
        expect(saved.knowledgeVersion).toBe(VERSION_A);
        expect(await store.getProfile(t.id, saved.id)).toEqual(saved);
        expect((await store.getProfile(t.id, saved.id))!.intake).toEqual(intake);
      });

      it('pages newest first with cursors and no duplicates', async () => {
        const t = await store.createTenant('clinic-a');
        const ids: string[] = [];
        for (let i = 0; i < 5; i++)
          ids.push((await store.saveProfile(t.id, { intake: { i }, profile: {} })).id);
        const p1 = await store.listProfiles(t.id, { limit: 2 });
        const p2 = await store.listProfiles(t.id, { limit: 2, cursor: p1.nextCursor! });
        const p3 = await store.listProfiles(t.id, { limit: 2, cursor: p2.nextCursor! });
        expect([...p1.items, ...p2.items, ...p3.items].map((p) => p.id)).toEqual(ids.reverse());
        expect(p3.nextCursor).toBeNull();
        await expectStoreError(store.listProfiles(t.id, { cursor: 'abc' }), 'input-invalid', 'cursor');
        await expectStoreError(store.listProfiles(t.id, { limit: 0 }), 'input-invalid', 'limit');
        await expectStoreError(store.listProfiles(t.id, { limit: 501 }), 'input-invalid', 'limit');
      });

      it('rejects values that are not JSON, naming the field, and stores nothing', async () => {
        const t = await store.createTenant('clinic-a');
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        const bad: Array<[unknown, string, string]> = [
          [{ female: { age: undefined } }, 'input-invalid', 'intake.female.age'],
          [{ female: { age: NaN } }, 'input-invalid', 'intake.female.age'],
          [{ female: { seen: new Date() } }, 'input-invalid', 'intake.female.seen'],
          [{ n: 10n }, 'input-invalid', 'intake.n'],
          [{ f: () => 1 }, 'input-invalid', 'intake.f'],
          [cyclic, 'input-invalid', 'intake.self'],
          [[{ age: 3 }], 'input-invalid', 'intake'],
          ['{"age":3}', 'input-invalid', 'intake'],
          [null, 'input-invalid', 'intake'],
          [{ female: { patientName: 'X' } }, 'identifier-present', 'intake.female.patientName'],
          [{ notes: 'x'.repeat(1024 * 1024 + 1) }, 'input-too-large', 'intake'],
        ];
        for (const [intake, code, path] of bad) {
          await expectStoreError(
            store.saveProfile(t.id, { intake: intake as JsonObject, profile: {} }),
            code,
            path,
          );
        }
        await expectStoreError(
          store.saveProfile(t.id, { intake: {}, profile: {}, knowledgeVersion: 'v1' }),
          'input-invalid',
          'knowledgeVersion',
        );
        await expectStoreError(
          store.saveProfile(t.id, null as unknown as { intake: JsonObject; profile: JsonObject }),
          'input-invalid',
        );
        await expectStoreError(
          store.saveProfile('00000000-0000-4000-8000-000000000000', { intake: {}, profile: {} }),
          'not-found',
          'tenantId',
        );
        expect((await store.listProfiles(t.id)).items).toEqual([]);
      });
    });

    describe('observations', () => {
      it('saves standalone and profile-bound reports and lists them by profile', async () => {
        const t = await store.createTenant('clinic-a');
        const p = await store.saveProfile(t.id, { intake: {}, profile: {} });
        const bound = await store.saveObservations(t.id, {
          report: sampleReport(1),
          profileId: p.id,
          partner: 'female',
        });
        const loose = await store.saveObservations(t.id, { report: sampleReport(2) });
        expect(bound).toMatchObject({ profileId: p.id, partner: 'female', observationCount: 1 });
        expect(loose).toMatchObject({ profileId: null, partner: null });
        expect(await store.getObservations(t.id, bound.id)).toEqual(bound);
        expect((await store.listObservations(t.id)).items.map((o) => o.id)).toEqual([loose.id, bound.id]);
        expect((await store.listObservations(t.id, { profileId: p.id })).items.map((o) => o.id)).toEqual([
          bound.id,
        ]);
      });

      it('rejects invalid reports naming the field, refuses identifier fields, drops unknown fields', async () => {
        const t = await store.createTenant('clinic-a');
        const wrong = sampleReport() as unknown as { observations: Array<Record<string, unknown>> };
        wrong.observations[0]!.value = 'high';
        await expectStoreError(
          store.saveObservations(t.id, { report: wrong as unknown as NormalizedReport }),
          'input-invalid',
          'report.observations.0.value',
        );
        const named = { ...sampleReport(), patient: { dateOfBirth: '1990-01-01' } };
        await expectStoreError(
          store.saveObservations(t.id, { report: named as NormalizedReport }),
          'identifier-present',
          'report.patient.dateOfBirth',
        );
        await expectStoreError(
          store.saveObservations(t.id, { report: sampleReport(), partner: 'both' as 'female' }),
          'input-invalid',
          'partner',
        );
        await expectStoreError(
          store.saveObservations(t.id, { report: sampleReport(), profileId: 'nope' }),
          'not-found',
          'profileId',
        );
        // The normalizer's `deidentified` warning counts what it removed by kind: numbers, allowed.
        const counted = sampleReport();
        counted.warnings.push({
          code: 'deidentified',
          severity: 'info',
          message: 'removed 3 identifiers',
          details: { name: 1, address: 2 },
        });
        const kept = await store.saveObservations(t.id, { report: counted });
        expect(kept.report.warnings[0]!.details).toEqual({ name: 1, address: 2 });
        const leaked = sampleReport();
        leaked.warnings.push({
          code: 'deidentified',
          severity: 'info',
          message: 'x',
          details: { address: '1 Main St' },
        });
        await expectStoreError(
          store.saveObservations(t.id, { report: leaked }),
          'identifier-present',
          'report.warnings[0].details.address',
        );
        const extra = { ...sampleReport(), labSystemRef: 'ZZ-TOP-999' };
        const saved = await store.saveObservations(t.id, { report: extra as NormalizedReport });
        expect(JSON.stringify(saved.report)).not.toContain('ZZ-TOP-999');
        expect(JSON.stringify(await fx.raw.all('SELECT report FROM observation_sets'))).not.toContain(
          'ZZ-TOP-999',
        );
        expect((await store.listObservations(t.id)).items).toHaveLength(2);
      });
    });

    describe('audit log', () => {
      it('appends a linked chain, reads it back, and verifies', async () => {
        const t = await store.createTenant('clinic-a');
        const payload = {
          question: 'Does AMH predict natural fertility?',
          profileHash: sha256('{}'),
          knowledgeVersion: VERSION_A,
          citations: ['kb:x'],
          confidence: 0.8,
          path: 'extractive',
          timings: { totalMs: 3.1 },
        };
        const r2 = await store.appendAudit(t.id, { kind: 'answer', payload });
        const r3 = await store.appendAudit(t.id, { kind: 'answer', payload: { n: 3 } });
        const [r1] = await store.listAudit(t.id, { limit: 1 });
        expect(r2).toMatchObject({ seq: 2, prevHash: r1!.hash, payload });
        expect(r3.prevHash).toBe(r2.hash);
        expect(r2.hash).toBe(auditHash(r2));
        expect(await store.getAuditRecord(t.id, 2)).toEqual(r2);
        expect(await store.getAuditRecord(t.id, 99)).toBeNull();
        expect(await store.listAudit(t.id, { afterSeq: 1 })).toEqual([r2, r3]);
        const v = await store.verifyAudit();
        expect(v).toMatchObject({ ok: true, chains: 1, records: 3, broken: [] });
        expect(v.heads).toEqual([{ tenantId: t.id, seq: 3, hash: r3.hash }]);
      });

      it('round-trips any JSON payload exactly and keeps the chain verifiable (property)', async () => {
        const t = await store.createTenant('clinic-a');
        // Identifier-like keys are refused by design; keep generated keys clear of them.
        const key = fc
          .string({ maxLength: 12 })
          .filter((k) => !/(name|birth|dob|mail|phone|address|ssn|mrn|id)/i.test(k));
        const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
          value: fc.oneof(
            { depthSize: 'small' },
            fc.string(),
            fc.double({ noNaN: true, noDefaultInfinity: true }),
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.array(tie('value'), { maxLength: 4 }),
            fc.dictionary(key, tie('value'), { maxKeys: 4 }),
          ),
        })).value;
        await fc.assert(
          fc.asyncProperty(fc.dictionary(key, json, { maxKeys: 5 }), async (payload) => {
            const rec = await store.appendAudit(t.id, { kind: 'answer', payload: payload as JsonObject });
            const back = await store.getAuditRecord(t.id, rec.seq);
            expect(back).toEqual(rec);
            expect(canonicalJson(back!.payload)).toBe(canonicalJson(payload));
          }),
          { numRuns: 40 },
        );
        expect((await store.verifyAudit()).ok).toBe(true);
      });

      it('is idempotent per record id: a retried append returns the stored record', async () => {
        const a = await store.createTenant('clinic-a');
        const b = await store.createTenant('clinic-b');
        const id = '11111111-2222-4333-8444-555555555555';
        const first = await store.appendAudit(a.id, { id, kind: 'answer', payload: { x: 1 } });
        const again = await store.appendAudit(a.id, { id, kind: 'answer', payload: { x: 1 } });
        expect(again).toEqual(first);
        expect(await store.listAudit(a.id)).toHaveLength(2);
        await expectStoreError(
          store.appendAudit(b.id, { id, kind: 'answer', payload: {} }),
          'already-exists',
          'id',
        );
      });

      it('appends a batch in one transaction: linked, idempotent by id, all or nothing', async () => {
        const t = await store.createTenant('clinic-a');
        expect(await store.appendAuditBatch(t.id, [])).toEqual([]);
        const ids = ['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002'];
        const batch = await store.appendAuditBatch(t.id, [
          { id: ids[0]!, kind: 'answer', payload: { n: 1 } },
          { id: ids[1]!, kind: 'answer', payload: { n: 2 } },
          { kind: 'answer', payload: { n: 3 } },
        ]);
        expect(batch.map((r) => r.seq)).toEqual([2, 3, 4]);
        expect(batch[1]!.prevHash).toBe(batch[0]!.hash);
        expect(await store.listAudit(t.id, { afterSeq: 1 })).toEqual(batch);
        // A retried batch (same ids) returns what is stored and writes nothing new.
        const again = await store.appendAuditBatch(t.id, [
          { id: ids[0]!, kind: 'answer', payload: { n: 1 } },
          { id: ids[1]!, kind: 'answer', payload: { n: 2 } },
        ]);
        expect(again).toEqual(batch.slice(0, 2));
        // One bad item: nothing of the batch is written, and the path names the item.
        await expectStoreError(
          store.appendAuditBatch(t.id, [
            { kind: 'answer', payload: { n: 5 } },
            { kind: 'answer', payload: { n: NaN } },
          ]),
          'input-invalid',
          'inputs[1].payload.n',
        );
        await expectStoreError(
          store.appendAuditBatch(t.id, [
            { kind: 'answer', payload: { ok: 1 } },
            { kind: 'answer', payload: { email: 'x' } },
          ]),
          'identifier-present',
          'inputs[1].payload.email',
        );
        await expectStoreError(store.appendAuditBatch(t.id, {} as unknown as []), 'input-invalid', 'inputs');
        await expectStoreError(
          store.appendAuditBatch('x', [{ kind: 'answer', payload: {} }]),
          'not-found',
          'tenantId',
        );
        expect(await store.listAudit(t.id)).toHaveLength(4);
        // Batches and single appends from two instances at once keep one valid chain.
        const other = await another();
        await Promise.all([
          store.appendAuditBatch(
            t.id,
            Array.from({ length: 10 }, (_, i) => ({ kind: 'answer', payload: { b: i } })),
          ),
          other.appendAuditBatch(
            t.id,
            Array.from({ length: 10 }, (_, i) => ({ kind: 'answer', payload: { c: i } })),
          ),
          ...Array.from({ length: 10 }, (_, i) =>
            other.appendAudit(t.id, { kind: 'answer', payload: { s: i } }),
          ),
        ]);
        expect(await store.verifyAudit()).toMatchObject({ ok: true, records: 34 });
      });

      it('a batch mixing stored ids, a repeated id and new records writes each new id once', async () => {
        const t = await store.createTenant('clinic-a');
        const o = await store.createTenant('clinic-b');
        const id = (n: number) => `bbbbbbbb-0000-4000-8000-00000000000${n}`;
        const first = await store.appendAuditBatch(t.id, [{ id: id(1), kind: 'answer', payload: { n: 1 } }]);
        const mixed = await store.appendAuditBatch(t.id, [
          { id: id(2), kind: 'answer', payload: { n: 2 } },
          { id: id(1), kind: 'answer', payload: { n: 1 } },
          { id: id(2), kind: 'answer', payload: { n: 2 } },
          { id: id(3), kind: 'answer', payload: { n: 3 } },
        ]);
        expect(mixed.map((r) => r.seq)).toEqual([3, 2, 3, 4]);
        expect(mixed[1]).toEqual(first[0]);
        expect(mixed[2]).toEqual(await store.getAuditRecord(t.id, 3));
        expect(mixed[3]!.prevHash).toBe(mixed[0]!.hash);
        // Another clinic's id refuses the whole batch, wherever it stands in it.
        await expectStoreError(
          store.appendAuditBatch(o.id, [
            { kind: 'answer', payload: { n: 5 } },
            { id: id(3), kind: 'answer', payload: { n: 3 } },
          ]),
          'already-exists',
          'id',
        );
        expect(await store.listAudit(o.id)).toHaveLength(1);
        expect(await store.verifyAudit()).toMatchObject({ ok: true, records: 5 });
      });

      it('rejects bad appends before writing anything', async () => {
        const t = await store.createTenant('clinic-a');
        await expectStoreError(
          store.appendAudit(t.id, { kind: 'Not A Kind', payload: {} }),
          'input-invalid',
          'kind',
        );
        await expectStoreError(
          store.appendAudit(t.id, { kind: 'answer', payload: [] as unknown as JsonObject }),
          'input-invalid',
          'payload',
        );
        await expectStoreError(
          store.appendAudit(t.id, { kind: 'answer', payload: { t: Infinity } }),
          'input-invalid',
          'payload.t',
        );
        await expectStoreError(
          store.appendAudit(t.id, { kind: 'answer', payload: { email: 'x' } }),
          'identifier-present',
        );
        await expectStoreError(
          store.appendAudit(t.id, { kind: 'answer', payload: {}, id: 'x' }),
          'input-invalid',
          'id',
        );
        await expectStoreError(store.getAuditRecord(t.id, -1), 'input-invalid', 'seq');
        await expectStoreError(store.listAudit(t.id, { limit: 1001 }), 'input-invalid', 'limit');
        expect(await store.listAudit(t.id)).toHaveLength(1);
      });

      it('refuses ordinary UPDATE and DELETE on the log (append-only triggers)', async () => {
        const t = await store.createTenant('clinic-a');
        await expect(
          fx.raw.run("UPDATE audit_log SET kind = 'x' WHERE tenant_id = ?", [t.id]),
        ).rejects.toThrow(/append-only/);
        await expect(fx.raw.run('DELETE FROM audit_log WHERE tenant_id = ?', [t.id])).rejects.toThrow(
          /append-only/,
        );
        expect((await store.verifyAudit()).ok).toBe(true);
      });

      describe('tampering is named by verifyAudit', () => {
        async function chainOf(n: number) {
          const a = await store.createTenant('clinic-a');
          const b = await store.createTenant('clinic-b');
          const records: AuditRecord[] = [];
          for (let i = 0; i < n; i++) {
            records.push(await store.appendAudit(a.id, { kind: 'answer', payload: { i, confidence: 0.5 } }));
            await store.appendAudit(b.id, { kind: 'answer', payload: { i } });
          }
          await fx.raw.dropAuditGuards();
          return { a, b, records };
        }

        it('a changed payload', async () => {
          const { a, b } = await chainOf(5);
          await fx.raw.run(`UPDATE audit_log SET payload = ? WHERE tenant_id = ? AND seq = 4`, [
            '{"confidence":0.99,"i":2}',
            a.id,
          ]);
          const v = await store.verifyAudit();
          expect(v.ok).toBe(false);
          expect(v.broken).toEqual([
            { tenantId: a.id, seq: 4, reason: 'hash-mismatch', message: expect.any(String) },
          ]);
          expect((await store.verifyAudit({ tenantId: b.id })).ok).toBe(true);
        });

        it('a deleted record in the middle and at the end', async () => {
          const { a, b } = await chainOf(5);
          await fx.raw.run('DELETE FROM audit_log WHERE tenant_id = ? AND seq = 3', [a.id]);
          await fx.raw.run('DELETE FROM audit_log WHERE tenant_id = ? AND seq = 6', [b.id]);
          const v = await store.verifyAudit();
          const broken = Object.fromEntries(v.broken.map((x) => [x.tenantId, x]));
          expect(broken[a.id]).toMatchObject({ seq: 3, reason: 'missing' });
          expect(broken[b.id]).toMatchObject({ seq: 6, reason: 'missing' });
        });

        it('a record changed and re-hashed, so only the link to it breaks', async () => {
          const { a, records } = await chainOf(5);
          const target = records[1]!; // seq 3
          const forged = { ...target, payload: { i: 1, confidence: 0.99 } };
          await fx.raw.run('UPDATE audit_log SET payload = ?, hash = ? WHERE tenant_id = ? AND seq = ?', [
            JSON.stringify(forged.payload),
            auditHash(forged),
            a.id,
            target.seq,
          ]);
          const v = await store.verifyAudit({ tenantId: a.id });
          expect(v.broken).toEqual([
            {
              tenantId: a.id,
              seq: target.seq + 1,
              reason: 'prev-hash-mismatch',
              message: expect.any(String),
            },
          ]);
        });

        it('a record moved to another tenant, even when relinked into its chain', async () => {
          const { a, b } = await chainOf(3);
          const bPrev = (await store.getAuditRecord(b.id, 3))!;
          await fx.raw.run('DELETE FROM audit_log WHERE tenant_id = ? AND seq = 4', [b.id]);
          await fx.raw.run(
            'UPDATE audit_log SET tenant_id = ?, prev_hash = ? WHERE tenant_id = ? AND seq = 4',
            [b.id, bPrev.hash, a.id],
          );
          const v = await store.verifyAudit();
          const broken = Object.fromEntries(v.broken.map((x) => [x.tenantId, x]));
          // The link is right now, but the hash covers the tenant the record was written for.
          expect(broken[b.id]).toMatchObject({ seq: 4, reason: 'hash-mismatch' });
          expect(broken[a.id]).toMatchObject({ seq: 4, reason: 'missing' });
        });
      });

      it('keeps the chain valid under many concurrent appends from two store instances', async () => {
        const t = await store.createTenant('clinic-a');
        const other = await another();
        const n = 40;
        const results = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            (i % 2 ? other : store).appendAudit(t.id, { kind: 'answer', payload: { i } }),
          ),
        );
        const seqs = results.map((r) => r.seq).sort((x, y) => x - y);
        expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 2));
        const v = await store.verifyAudit();
        expect(v).toMatchObject({ ok: true, records: n + 1 });
      });

      it('keeps the chain valid when separate processes append at the same time', async (ctx) => {
        if (fx.url === null) {
          ctx.skip();
          return;
        }
        const t = await store.createTenant('clinic-a');
        const [c1, c2, mine] = await Promise.all([
          runWorkerProcess(fx.url, t.id, 25, 'one'),
          runWorkerProcess(fx.url, t.id, 25, 'two'),
          Promise.all(
            Array.from({ length: 25 }, (_, i) => store.appendAudit(t.id, { kind: 'answer', payload: { i } })),
          ),
        ]);
        const all = [...c1, ...c2, ...mine.map((r) => r.seq)].sort((x, y) => x - y);
        expect(all).toEqual(Array.from({ length: 75 }, (_, i) => i + 2));
        const v = await store.verifyAudit();
        expect(v).toMatchObject({ ok: true, records: 76, broken: [] });
        const tags = (await store.listAudit(t.id, { limit: 1000 })).map((r) => r.payload.tag ?? 'parent');
        expect(tags.filter((x) => x === 'one')).toHaveLength(25);
        expect(tags.filter((x) => x === 'two')).toHaveLength(25);
      });
    });

    describe('knowledge versions', () => {
      it('publishes, reports current, lists newest first, and reads entries back', async () => {
        expect(await store.currentKnowledge()).toBeNull();
        const p1 = await store.publishKnowledge({
          version: VERSION_A,
          entries: ENTRIES_A,
          publishedBy: 'reviewer-1',
        });
        const p2 = await store.publishKnowledge({
          version: VERSION_B,
          entries: ENTRIES_B,
          publishedBy: 'reviewer-2',
          note: 'adds entry-two',
        });
        expect(p2.n).toBeGreaterThan(p1.n);
        expect(await store.currentKnowledge()).toEqual(p2);
        expect(await store.listKnowledgePublications()).toEqual([p2, p1]);
        const vb = await store.getKnowledgeVersion(VERSION_B);
        expect(vb).toMatchObject({ version: VERSION_B, entries: ENTRIES_B, entryCount: 2 });
        expect(vb!.contentHash).toBe(sha256(canonicalJson(ENTRIES_B)));
        expect(await store.getKnowledgeVersion('sha256:' + 'c'.repeat(64))).toBeNull();
        expect(await store.getKnowledgeVersion('garbage')).toBeNull();
      });

      it('republishing a stored version is a rollback; reusing a version id for other entries is refused', async () => {
        await store.publishKnowledge({ version: VERSION_A, entries: ENTRIES_A, publishedBy: 'r' });
        await store.publishKnowledge({ version: VERSION_B, entries: ENTRIES_B, publishedBy: 'r' });
        const back = await store.publishKnowledge({
          version: VERSION_A,
          entries: ENTRIES_A,
          publishedBy: 'r',
        });
        expect((await store.currentKnowledge())!.version).toBe(VERSION_A);
        expect(back.n).toBe(3);
        expect(await fx.raw.all('SELECT version FROM knowledge_versions')).toHaveLength(2);
        await expectStoreError(
          store.publishKnowledge({ version: VERSION_A, entries: ENTRIES_B, publishedBy: 'r' }),
          'already-exists',
          'version',
        );
        expect((await store.currentKnowledge())!.n).toBe(3);
      });

      it('rejects malformed publications', async () => {
        await expectStoreError(
          store.publishKnowledge({ version: 'v2', entries: ENTRIES_A, publishedBy: 'r' }),
          'input-invalid',
          'version',
        );
        await expectStoreError(
          store.publishKnowledge({ version: VERSION_A, entries: [{ title: 'no id' }], publishedBy: 'r' }),
          'input-invalid',
          'entries[0].id',
        );
        await expectStoreError(
          store.publishKnowledge({ version: VERSION_A, entries: [{ id: 'x', n: NaN }], publishedBy: 'r' }),
          'input-invalid',
          'entries[0].n',
        );
        await expectStoreError(
          store.publishKnowledge({ version: VERSION_A, entries: ENTRIES_A, publishedBy: '' }),
          'input-invalid',
          'publishedBy',
        );
        expect(await store.currentKnowledge()).toBeNull();
      });

      it('notifies subscribers of this instance and of another instance within a second', async () => {
        const errors: Error[] = [];
        const other = await another({ onBackgroundError: (e) => errors.push(e) });
        const mine: KnowledgePublication[] = [];
        const theirs: KnowledgePublication[] = [];
        const stopMine = await store.subscribe((p) => {
          mine.push(p);
        });
        const stopTheirs = await other.subscribe((p) => {
          theirs.push(p);
        });
        await other.subscribe(() => {
          throw new Error('a faulty listener');
        });
        const started = Date.now();
        const p1 = await store.publishKnowledge({ version: VERSION_A, entries: ENTRIES_A, publishedBy: 'r' });
        const got = await waitFor(() => theirs[0], 1000, 'the other instance to be notified');
        expect(Date.now() - started).toBeLessThan(1000);
        expect(got).toEqual(p1);
        await waitFor(() => mine[0], 1000, 'this instance to be notified');
        expect(mine).toEqual([p1]);
        await waitFor(
          () => errors.find((e) => e.message.includes('faulty')),
          1000,
          'the listener failure report',
        );

        await stopTheirs();
        const p2 = await other.publishKnowledge({ version: VERSION_B, entries: ENTRIES_B, publishedBy: 'r' });
        await waitFor(() => mine[1], 1000, 'this instance to see the second publication');
        expect(mine).toEqual([p1, p2]);
        await stopMine();
        await new Promise((r) => setTimeout(r, 300));
        expect(theirs).toEqual([p1]);
      });
    });

    describe('migrations and lifecycle', () => {
      it('opening the same database again applies nothing twice', async () => {
        const t = await store.createTenant('clinic-a');
        const before = await fx.raw.all('SELECT version, checksum FROM schema_migrations ORDER BY version');
        expect(before.length).toBeGreaterThanOrEqual(1);
        const [x, y] = await Promise.all([another(), another()]);
        expect(await x.getTenant(t.id)).toEqual(t);
        expect(await y.listTenants()).toHaveLength(1);
        expect(await fx.raw.all('SELECT version, checksum FROM schema_migrations ORDER BY version')).toEqual(
          before,
        );
      });

      it('refuses to open a database migrated by a newer engine, or with an edited migration', async () => {
        await fx.raw.run(
          "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', '2030-01-01T00:00:00Z')",
        );
        const e = await expectStoreError(fx.openAnother(), 'store-schema-ahead');
        expect(e.message).toContain('999');
        await fx.raw.run('DELETE FROM schema_migrations WHERE version = 999');
        await fx.raw.run("UPDATE schema_migrations SET checksum = 'sha256:edited' WHERE version = 1");
        await expectStoreError(fx.openAnother(), 'store-migration-mismatch');
      });

      it('fails clearly after close', async () => {
        await store.close();
        const e = await expectStoreError(store.listTenants(), 'store-unavailable');
        expect(e.message).toContain('closed');
        await store.close(); // idempotent
      });

      it('pings', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });
  });
}
