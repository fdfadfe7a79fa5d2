import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiffRefError, diffRefs, formatDiff } from './diff.js';
import { syntheticEntry as entry, writeEntryFile } from './testing/entry.js';

const FIX = join(import.meta.dirname, 'fixtures');
const opts = { validate: { today: '2026-06-01', sharedDomainDir: join(FIX, 'shared-domain') } };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'kb-diff-test-'));
  dirs.push(d);
  return d;
};

describe('diffRefs between two directories', () => {
  it('reports added, removed, changed (by field), superseded, withdrawn and newly published', () => {
    const a = temp();
    writeEntryFile(a, 'ivf', entry('old-rule'));
    writeEntryFile(a, 'ivf', entry('stays-same'));
    writeEntryFile(a, 'ivf', entry('gets-edited'));
    writeEntryFile(a, 'ivf', entry('gets-withdrawn'));
    writeEntryFile(a, 'ivf', entry('gets-deleted', { status: 'draft' }));
    const b = temp();
    writeEntryFile(b, 'ivf', entry('old-rule', { status: 'superseded' }));
    writeEntryFile(b, 'ivf', entry('new-rule', { supersedes: ['old-rule'] }));
    writeEntryFile(b, 'other-topic', entry('stays-same')); // moved folder, same content
    writeEntryFile(
      b,
      'ivf',
      entry('gets-edited', { statement: 'Synthetic statement for couples, edited for the test.' }),
    );
    writeEntryFile(b, 'ivf', entry('gets-withdrawn', { status: 'withdrawn' }));

    const d = diffRefs(a, b, opts);
    expect(d.from.kind).toBe('directory');
    expect(d.from.version).not.toBe(d.to.version);
    expect(d.added).toEqual([{ id: 'new-rule', status: 'published' }]);
    expect(d.removed).toEqual([{ id: 'gets-deleted', status: 'draft' }]);
    expect(d.changed).toEqual([
      { id: 'gets-edited', fields: ['statement'], status: null },
      { id: 'gets-withdrawn', fields: ['status'], status: { from: 'published', to: 'withdrawn' } },
      { id: 'old-rule', fields: ['status'], status: { from: 'published', to: 'superseded' } },
    ]);
    expect(d.superseded).toEqual([{ id: 'old-rule', by: ['new-rule'] }]);
    expect(d.withdrawn).toEqual(['gets-withdrawn']);
    expect(d.published).toEqual(['new-rule']);
    const text = formatDiff(d);
    expect(text).toContain('old-rule by new-rule');
    expect(text).toContain('gets-edited: statement');
  });

  it('says so when nothing served changed, and sees imported documents', () => {
    const a = temp();
    cpSync(join(FIX, 'valid'), a, { recursive: true });
    const b = temp();
    cpSync(join(FIX, 'valid'), b, { recursive: true });
    const same = diffRefs(a, b, opts);
    expect(same.from.version).toBe(same.to.version);
    expect(same.changed).toEqual([]);
    expect(formatDiff(same)).toContain('same version');
    rmSync(join(b, 'documents'), { recursive: true });
    expect(diffRefs(a, b, opts).documents.removed).toEqual(['fixture-doc']);
  });

  it('rejects a side that is neither a directory nor a revision', () => {
    const a = temp();
    expect(() => diffRefs(a, 'no-such-dir-or-rev-xyz', { ...opts, cwd: a })).toThrow(DiffRefError);
    expect(() => diffRefs(a, '--output=/tmp/x', { ...opts, cwd: a })).toThrow(/not a directory/);
  });
});
