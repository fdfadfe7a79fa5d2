// Runs the built CLI (`npm test` builds first): `fertility eval beir` on a small BEIR folder made
// here, and on SciFact when ../shared/data is present (skipped loudly otherwise).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_ROOT, SHARED_DATA_DIR } from '../src/paths.js';

const run = promisify(execFile);
const BIN = join(PROJECT_ROOT, 'bin', 'fertility');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(BIN, args, { cwd: PROJECT_ROOT, maxBuffer: 16 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir = '';
beforeAll(() => {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'src', 'apps', 'cli', 'main.js')))
    throw new Error('run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'beir-cli-'));
  mkdirSync(join(dir, 'qrels'));
  writeFileSync(
    join(dir, 'corpus.jsonl'),
    [
      {
        _id: 'd1',
        title: 'Ovarian reserve',
        text: 'Anti-Müllerian hormone (AMH) predicts ovarian response.',
      },
      { _id: 'd2', title: 'Semen analysis', text: 'WHO reference values for sperm concentration.' },
    ]
      .map((d) => JSON.stringify(d))
      .join('\r\n'),
  );
  writeFileSync(
    join(dir, 'queries.jsonl'),
    [
      { _id: 'q1', text: 'AMH ovarian reserve' },
      { _id: 'q2', text: 'sperm concentration' },
    ]
      .map((d) => JSON.stringify(d))
      .join('\n'),
  );
  writeFileSync(
    join(dir, 'qrels', 'test.tsv'),
    'query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\n\r\nq2\td2\t1\r\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fertility eval beir (built CLI)', () => {
  test('--json prints the contract fields and nothing else on stdout', async () => {
    const r = await cli(['eval', 'beir', dir, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out['ndcg@10']).toBe(1);
    expect(out['recall@100']).toBe(1);
    expect(out.queries).toBe(2);
    expect(typeof out.msPerQuery).toBe('number');
    expect((out.params as { name: string }).name).toMatch(/train/);
  });

  test('a missing file is a one-line error naming it, exit 1', async () => {
    const r = await cli(['eval', 'beir', dir, '--split', 'dev', '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(join(dir, 'qrels', 'dev.tsv'));
  });

  test('a folder that does not exist is a one-line error', async () => {
    const r = await cli(['eval', 'beir', join(dir, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a directory/);
  });

  const scifact = join(SHARED_DATA_DIR, 'scifact');
  test.skipIf(!existsSync(join(scifact, 'corpus.jsonl')))(
    'SciFact test split runs end to end (figures in docs/retrieval.md)',
    async () => {
      const r = await cli(['eval', 'beir', scifact, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { queries: number; 'ndcg@10': number; 'recall@100': number };
      expect(out.queries).toBe(300);
      // Not a quality gate (the benchmark reports the figure); a sanity floor that catches a broken index.
      expect(out['ndcg@10']).toBeGreaterThan(0.6);
      expect(out['recall@100']).toBeGreaterThan(0.85);
    },
  );
  if (!existsSync(join(scifact, 'corpus.jsonl'))) {
    process.stderr.write(
      `eval beir: SciFact not found at ${scifact}; the SciFact end-to-end test is SKIPPED\n`,
    );
  }
});
