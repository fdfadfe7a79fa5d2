import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadBank, loadBankFromFiles } from './load.js';
import { syntheticEntry, writeEntryFile } from './testing/entry.js';
import { validateBank } from './validate.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'kb-load-test-'));
  dirs.push(d);
  return d;
};

describe('loadBank', () => {
  it('reads entries by topic, documents, and ignores hidden files and notes', () => {
    const dir = temp();
    writeEntryFile(dir, 'ivf', syntheticEntry('one'));
    writeFileSync(join(dir, 'ivf', 'README.md'), 'notes');
    writeFileSync(join(dir, '.hidden.yaml'), 'id: [');
    const b = loadBank(dir, { cache: false, label: (r) => r });
    expect(b.entries.map((e) => [e.rel, e.stem, e.topic])).toEqual([['ivf/one.yaml', 'one', 'ivf']]);
    expect(b.issues).toEqual([]);
  });

  it('names file, line and column for YAML errors and refuses duplicate keys', () => {
    const b = loadBankFromFiles(
      [
        { rel: 't/a.yaml', text: 'id: a\nid: b\n' },
        { rel: 't/b.yaml', text: 'id: b\n  bad: indent\n' },
        { rel: 'documents/d/chunks.jsonl', text: '{"id":1}\nnot json\n' },
        { rel: 'documents/stray.yaml', text: 'x: 1' },
      ],
      { origin: 'mem', cache: false },
    );
    expect(b.issues.map((i) => [i.code, i.path])).toEqual([
      ['kb-parse', 'documents/d/chunks.jsonl:2'],
      ['kb-document-invalid', 'documents/stray.yaml'],
      ['kb-parse', 't/a.yaml:2:1'],
      ['kb-parse', expect.stringMatching(/^t\/b\.yaml:\d+:\d+$/)],
    ]);
    expect(b.entries.map((e) => e.data)).toEqual([undefined, undefined]);
  });

  it('caches parses by content: an edited file is re-parsed, validation always runs', () => {
    const dir = temp();
    const cache = temp();
    writeEntryFile(dir, 't', syntheticEntry('one'));
    writeEntryFile(dir, 't', syntheticEntry('two'));
    const first = loadBank(dir, { cache });
    expect(first.stats).toMatchObject({ parsed: 2, cacheHits: 0 });
    const second = loadBank(dir, { cache });
    expect(second.stats).toMatchObject({ parsed: 0, cacheHits: 2 });
    expect(second.entries.map((e) => e.data)).toEqual(first.entries.map((e) => e.data));
    // Same size and (possibly) same mtime, different content: the hash key still sees the change.
    writeFileSync(join(dir, 't', 'two.yaml'), stringify(syntheticEntry('two', { concepts: ['xyz'] })));
    const third = loadBank(dir, { cache });
    expect(third.stats).toMatchObject({ parsed: 1, cacheHits: 1 });
    expect(validateBank(third, { sharedDomainDir: null }).issues.map((i) => i.code)).toEqual([
      'kb-concept-unknown',
    ]);
    expect(readdirSync(cache)).toHaveLength(1);
  });

  it('survives a damaged cache file', () => {
    const dir = temp();
    const cache = temp();
    writeEntryFile(dir, 't', syntheticEntry('one'));
    loadBank(dir, { cache });
    for (const f of readdirSync(cache)) writeFileSync(join(cache, f), '{ not json');
    expect(loadBank(dir, { cache }).stats).toMatchObject({ parsed: 1, cacheHits: 0 });
  });

  it('throws a clear error for a missing folder', () => {
    expect(() => loadBank(join(tmpdir(), 'no-such-kb-folder'))).toThrow(/no such directory/);
  });
});
