import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { syntheticEntry, writeEntryFile } from './testing/entry.js';
import { IssueError } from '../domain/issues.js';
import {
  KnowledgeBank,
  canonicalJson,
  computeVersion,
  snapshotFromEntries,
  type KnowledgeSnapshot,
} from './bank.js';
import { loadBank } from './load.js';
import { validateBank } from './validate.js';

const FIX = join(import.meta.dirname, 'fixtures');
const vopts = { today: '2026-06-01', sharedDomainDir: join(FIX, 'shared-domain') };
const bankOpts = { validate: vopts, load: { cache: false as const } };

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempBank(): string {
  const d = mkdtempSync(join(tmpdir(), 'kb-bank-test-'));
  dirs.push(d);
  return d;
}
const writeEntry = writeEntryFile;
const entry = syntheticEntry;

describe('snapshot content', () => {
  it('serves published entries only and records what retired ones became', () => {
    const snap = snapshotFromEntries(
      [
        entry('new', { supersedes: ['old'] }),
        entry('old', { status: 'superseded' }),
        entry('gone', { status: 'withdrawn' }),
        entry('wip', { status: 'draft' }),
        entry('checked', { status: 'reviewed' }),
      ],
      vopts,
    );
    expect(snap.entries.map((e) => e.id)).toEqual(['new']);
    expect([...snap.byId.keys()]).toEqual(['new']);
    expect(snap.retired.get('old')).toEqual({ status: 'superseded', supersededBy: ['new'] });
    expect(snap.retired.get('gone')).toEqual({ status: 'withdrawn', supersededBy: [] });
    expect(snap.counts).toMatchObject({
      entries: 5,
      published: 1,
      byStatus: { draft: 1, reviewed: 1, published: 1, superseded: 1, withdrawn: 1 },
    });
    expect(snap.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Object.isFrozen(snap)).toBe(true);
  });

  it('throws an IssueError led by kb-rejected for an invalid set', () => {
    try {
      snapshotFromEntries([entry('alpha'), entry('alpha')], vopts);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(IssueError);
      expect((e as IssueError).issues.map((i) => i.code)).toEqual(['kb-rejected', 'kb-duplicate-id']);
    }
  });
});

describe('the version (content hash)', () => {
  const a = entry('alpha');
  const b = entry('beta', { concepts: ['ivf', 'icsi'] });

  it('does not depend on entry order, key order, file formatting or explicit defaults', () => {
    const v1 = snapshotFromEntries([a, b], vopts).version;
    const reversedKeys = Object.fromEntries(Object.entries(b).reverse());
    const v2 = snapshotFromEntries(
      [reversedKeys, { ...a, direction: 'neutral', language: 'en', supersedes: [] }],
      vopts,
    ).version;
    expect(v2).toBe(v1);

    const d1 = tempBank();
    writeEntry(d1, 'x', a);
    writeEntry(d1, 'y', b);
    const d2 = tempBank();
    mkdirSync(join(d2, 'other'));
    // Same content, different topic folders and YAML style (flow, quoted, comments).
    writeFileSync(
      join(d2, 'other', 'alpha.yaml'),
      `# a comment\n${stringify(a, { defaultStringType: 'QUOTE_DOUBLE' })}`,
    );
    writeFileSync(join(d2, 'other', 'beta.yaml'), stringify(b, { collectionStyle: 'flow' }));
    const ver = (d: string) =>
      snapshotFromEntries(
        validateBank(loadBank(d, { cache: false }), vopts).entries.map((e) => e.entry),
        vopts,
      ).version;
    expect(ver(d1)).toBe(v1);
    expect(ver(d2)).toBe(v1);
  });

  it('changes with any served content, but not with drafts', () => {
    const base = snapshotFromEntries([a, b], vopts).version;
    expect(
      snapshotFromEntries([a, { ...b, statement: `${String(b.statement)} Changed.` }], vopts).version,
    ).not.toBe(base);
    expect(snapshotFromEntries([a], vopts).version).not.toBe(base);
    expect(snapshotFromEntries([a, b, entry('gamma', { status: 'draft' })], vopts).version).toBe(base);
  });

  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(computeVersion([], [])).toMatch(/^sha256:/);
  });
});

describe('KnowledgeBank: reload and hot swap', () => {
  it('supersession end to end: the update replaces the old entry without a restart and the version changes', async () => {
    const dir = tempBank();
    writeEntry(dir, 'ivf', entry('ivf-rule-2020'));
    const bank = await KnowledgeBank.fromDirectory(dir, bankOpts);
    const before = bank.current();
    expect(before.entries.map((e) => e.id)).toEqual(['ivf-rule-2020']);

    // The curator publishes the update and marks the old entry superseded (docs/knowledge-curation.md).
    writeEntry(dir, 'ivf', entry('ivf-rule-2020', { status: 'superseded' }));
    writeEntry(
      dir,
      'ivf',
      entry('ivf-rule-2024', {
        supersedes: ['ivf-rule-2020'],
        source: { ...(entry('x').source as object), year: 2024 },
      }),
    );
    const r = await bank.reload(dir);
    expect(r.ok).toBe(true);

    const after = bank.current();
    expect(after.entries.map((e) => e.id)).toEqual(['ivf-rule-2024']);
    expect(after.byId.has('ivf-rule-2020')).toBe(false);
    expect(after.retired.get('ivf-rule-2020')?.supersededBy).toEqual(['ivf-rule-2024']);
    expect(after.version).not.toBe(before.version);
    // An answer in flight that took `before` still sees the version it started with.
    expect(before.entries.map((e) => e.id)).toEqual(['ivf-rule-2020']);
  });

  it('refuses an invalid bank with kb-rejected and keeps serving the old version', async () => {
    const dir = tempBank();
    writeEntry(dir, 'ivf', entry('alpha'));
    const bank = await KnowledgeBank.fromDirectory(dir, bankOpts);
    const serving = bank.current();
    // Publishing the successor without retiring the old entry is a kb-supersedes-published error.
    writeEntry(dir, 'ivf', entry('beta', { supersedes: ['alpha'] }));
    const r = await bank.reload(dir);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]!.code).toBe('kb-rejected');
    expect(r.issues.map((i) => i.code)).toContain('kb-supersedes-published');
    expect(r.serving).toBe(serving.version);
    expect(bank.current()).toBe(serving);
  });

  it('refuses the swap when a build hook throws, and runs hooks on the candidate before the swap', async () => {
    const bank = await KnowledgeBank.fromEntries([entry('alpha')], bankOpts);
    const serving = bank.current();
    const seen: Array<[string, string]> = [];
    const off = bank.onBuild((snap) => {
      seen.push([snap.version, bank.current().version]);
      if (snap.byId.has('bad-index')) throw new Error('index build failed');
    });
    const r = await bank.reload({ entries: [entry('alpha'), entry('bad-index')] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toContain('index build failed');
    expect(bank.current()).toBe(serving);
    expect(seen[0]![1]).toBe(serving.version); // the hook ran while the old version was still current

    const ok = await bank.reload({ entries: [entry('alpha'), entry('gamma')] });
    expect(ok.ok).toBe(true);
    expect(bank.current().byId.has('gamma')).toBe(true);
    off();
    await bank.reload({ entries: [entry('alpha'), entry('bad-index')] });
    expect(bank.current().byId.has('bad-index')).toBe(true); // hook removed
  });

  it('keeps the same snapshot object when the content hash is unchanged and tells swap listeners otherwise', async () => {
    const bank = await KnowledgeBank.fromEntries([entry('alpha')], bankOpts);
    const swaps: Array<[string, string | null]> = [];
    bank.onSwap((next, prev) => swaps.push([next.version, prev?.version ?? null]));
    const first = bank.current();
    const same = await bank.reload({
      entries: [entry('alpha', { status: 'published' }), entry('delta', { status: 'draft' })],
    });
    expect(same.ok && same.changed).toBe(false);
    expect(bank.current()).toBe(first);
    const changed = await bank.reload({ entries: [entry('alpha'), entry('beta')] });
    expect(changed.ok && changed.changed).toBe(true);
    expect(swaps).toEqual([[bank.current().version, first.version]]);
  });

  it('applies concurrent reloads in call order even when an early hook is slow', async () => {
    const bank = await KnowledgeBank.fromEntries([entry('alpha')], bankOpts);
    bank.onBuild(async (snap) => {
      if (snap.byId.has('slow')) await new Promise((r) => setTimeout(r, 30));
    });
    const p1 = bank.reload({ entries: [entry('slow')] });
    const p2 = bank.reload({ entries: [entry('fast')] });
    await Promise.all([p1, p2]);
    expect(bank.current().entries.map((e) => e.id)).toEqual(['fast']);
  });

  it('reports a missing directory as a refusal, not a crash', async () => {
    const bank = new KnowledgeBank(bankOpts);
    const r = await bank.reload(join(tmpdir(), 'no-such-kb-dir-for-tests'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.code).toBe('kb-rejected');
    expect(() => bank.current()).toThrow(/no version loaded/);
    expect(bank.currentOrNull()).toBeNull();
  });

  it('serves imported chunks and counts them into the version', async () => {
    const dir = tempBank();
    cpSync(join(FIX, 'valid'), dir, { recursive: true });
    const bank = await KnowledgeBank.fromDirectory(dir, bankOpts);
    const snap: KnowledgeSnapshot = bank.current();
    expect(snap.chunks.map((c) => c.id)).toEqual(['fixture-doc#0000', 'fixture-doc#0001']);
    expect(snap.chunkById.get('fixture-doc#0001')!.parentId).toBe('fixture-doc#0000');
    expect(snap.documents).toEqual([
      { docId: 'fixture-doc', title: 'Synthetic fixture document', source: expect.any(Object), chunks: 2 },
    ]);
    rmSync(join(dir, 'documents'), { recursive: true });
    await bank.reload(dir);
    expect(bank.current().version).not.toBe(snap.version);
  });
});

describe('KnowledgeBank: entries with documents (a version read from a database)', () => {
  it('validates and serves documents given in their on-disk shape, with the same version as the folder', async () => {
    const dir = join(FIX, 'valid');
    const loaded = loadBank(dir, { cache: false });
    const fromDir = await KnowledgeBank.fromDirectory(dir, bankOpts);
    const entries = loaded.entries.map((e) => e.data);
    const bank = new KnowledgeBank(bankOpts);
    const r = await bank.reload({ entries, documents: loaded.documents, origin: 'db' });
    expect(r.ok).toBe(true);
    expect(bank.current().version).toBe(fromDir.current().version);
    expect(bank.current().chunks).toHaveLength(2);
    const broken = await bank.reload({ entries, documents: [{ ...loaded.documents[0]!, chunks: [] }] });
    expect(broken.ok).toBe(false);
  });
});
