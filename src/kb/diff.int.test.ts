// kb diff against git revisions: a real repository in a temp folder, read with git ls-tree/cat-file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRefs, loadGitRevision } from './diff.js';
import { syntheticEntry as entry, writeEntryFile } from './testing/entry.js';

const FIX = join(import.meta.dirname, 'fixtures');
const opts = { validate: { today: '2026-06-01', sharedDomainDir: join(FIX, 'shared-domain') } };
let repo = '';
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=kb test', '-c', 'user.email=kb@example.org', ...args], {
    cwd: repo,
  }).toString();

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'kb-diff-git-'));
  git('init', '-q');
  const kb = join(repo, 'knowledge');
  writeEntryFile(kb, 'ivf', entry('old-rule'));
  writeEntryFile(kb, 'ivf', entry('edited'));
  writeFileSync(join(kb, 'README.md'), 'not an entry\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'first');
  writeEntryFile(kb, 'ivf', entry('old-rule', { status: 'superseded' }));
  writeEntryFile(kb, 'ivf', entry('new-rule', { supersedes: ['old-rule'] }));
  writeEntryFile(kb, 'ivf', entry('edited', { concepts: ['ivf', 'icsi'] }));
  git('add', '-A');
  git('commit', '-q', '-m', 'second');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('kb diff with git revisions', () => {
  it('reads knowledge/ at a revision without a checkout', () => {
    const bank = loadGitRevision('HEAD~1', { cwd: repo });
    expect(bank.entries.map((e) => e.rel)).toEqual(['ivf/edited.yaml', 'ivf/old-rule.yaml']);
    expect(bank.entries[0]!.path).toBe('HEAD~1:knowledge/ivf/edited.yaml');
  });

  it('diffs HEAD~1 against HEAD, and a revision against the working directory', () => {
    const d = diffRefs('HEAD~1', 'HEAD', { ...opts, cwd: repo });
    expect(d.from.kind).toBe('git');
    expect(d.added.map((e) => e.id)).toEqual(['new-rule']);
    expect(d.changed.map((c) => [c.id, c.fields])).toEqual([
      ['edited', ['concepts']],
      ['old-rule', ['status']],
    ]);
    expect(d.superseded).toEqual([{ id: 'old-rule', by: ['new-rule'] }]);
    const wd = diffRefs('HEAD', 'knowledge', { ...opts, cwd: repo });
    expect(wd.to.kind).toBe('directory');
    expect(wd.to.version).toBe(d.to.version);
  });

  it('reads another folder with REV:path and refuses an unknown revision', () => {
    expect(loadGitRevision('HEAD:knowledge/ivf', { cwd: repo }).entries).toHaveLength(3);
    expect(() => diffRefs('nope~3', 'HEAD', { ...opts, cwd: repo })).toThrow(/not a directory, and git says/);
  });
});
