// Runs the built CLI (`npm test` builds first): `fertility kb validate|stats|diff|import`, as a
// curator would, checking exit codes, the one-line error contract and the --json shapes.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../../paths.js';

const run = promisify(execFile);
const BIN = join(PROJECT_ROOT, 'bin', 'fertility');
const FIX = join(PROJECT_ROOT, 'src', 'kb', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'kb-cli-'));
// Keep the parse cache out of the project while testing.
const env = { ...process.env, FERTILITY_KB_CACHE: 'off' };

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(BIN, args, { cwd: PROJECT_ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(() => {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'src', 'apps', 'cli', 'main.js')))
    throw new Error('run `npm run build` first');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fertility kb (built CLI)', () => {
  test('validate: exit 0 on a valid bank, exit 1 with issues and a one-line stderr on an invalid one', async () => {
    const good = await cli(['kb', 'validate', join(FIX, 'valid'), '--json', '--today', '2026-06-01']);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      ok: true,
      errors: 0,
      checked: { entries: 4, documents: 1, chunks: 2 },
    });

    const bad = await cli(['kb', 'validate', join(FIX, 'errors'), '--json', '--today', '2026-06-01']);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; issues: Array<{ code: string; path: string }> };
    expect(report.ok).toBe(false);
    expect(report.issues.some((i) => i.code === 'kb-supersedes-published')).toBe(true);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    const human = await cli(['kb', 'validate', join(FIX, 'errors'), '--today', '2026-06-01']);
    expect(human.stdout).toMatch(/errors\/t\/wrong-name\.yaml#id: error kb-id-mismatch/);
  });

  test('validate: a missing directory and a bad --today are one-line errors', async () => {
    const r = await cli(['kb', 'validate', join(tmp, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^fertility: .*nope: no such directory\n$/);
    const d = await cli(['kb', 'validate', '--today', 'tomorrow']);
    expect(d.code).toBe(2);
    expect(d.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('stats --json has the contract shape', async () => {
    const r = await cli(['kb', 'stats', join(FIX, 'valid'), '--json', '--today', '2026-06-01']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s).toMatchObject({
      entries: 4,
      published: 1,
      withSource: 4,
      bodies: { 'Fixture Body': 1 },
      chunks: 2,
    });
    expect(s.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    const human = await cli(['kb', 'stats', join(FIX, 'valid')]);
    expect(human.stdout).toContain('published');
  });

  test('import: refuses without a source, writes with one, and the result validates', async () => {
    const doc = join(tmp, 'guide.md');
    writeFileSync(doc, '# Synthetic guide\n\n## 1 Section\n\n1.1.1 Offer the synthetic thing.\n');
    const refused = await cli(['kb', 'import', doc, '--body', 'Synthetic']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^fertility: a source is required .*--url or --doi\n$/);

    const bank = join(tmp, 'bank');
    cpSync(join(FIX, 'valid'), bank, { recursive: true });
    const args = [
      'kb',
      'import',
      doc,
      '--body',
      'Synthetic',
      '--document',
      'Synthetic guide',
      '--year',
      '2024',
    ];
    args.push(
      '--section',
      'whole document',
      '--url',
      'https://example.org/guide',
      '--out',
      join(bank, 'documents'),
      '--json',
    );
    const ok = await cli(args);
    expect(ok.code, ok.stderr).toBe(0);
    const out = JSON.parse(ok.stdout) as { docId: string; chunks: number; byKind: Record<string, number> };
    expect(out).toMatchObject({
      docId: 'synthetic-synthetic-guide-2024',
      chunks: 3,
      byKind: { section: 2, recommendation: 1 },
    });
    const lines = readFileSync(join(bank, 'documents', out.docId, 'chunks.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(3);

    const again = await cli(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; pass --replace/);

    const v = await cli(['kb', 'validate', bank, '--json', '--today', '2026-06-01']);
    expect(v.code, v.stdout).toBe(0);

    const diff = await cli(['kb', 'diff', join(FIX, 'valid'), bank, '--json', '--today', '2026-06-01']);
    expect(diff.code, diff.stderr).toBe(0);
    const d = JSON.parse(diff.stdout) as {
      documents: { added: string[] };
      from: { version: string };
      to: { version: string };
    };
    expect(d.documents.added).toEqual([out.docId]);
    expect(d.from.version).not.toBe(d.to.version);
  });

  test('diff: a side that is neither a folder nor a revision is a one-line error', async () => {
    const r = await cli(['kb', 'diff', join(FIX, 'valid'), 'no-such-revision-xyz']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no-such-revision-xyz: not a directory/);
  });
});
