/**
 * `fertility normalize` as a user runs it: the built CLI (`./bin/fertility`) in a child process,
 * on the fixture reports and on bad input. Exit codes, stdout JSON and the one-line stderr
 * contract (contracts §2) are checked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NormalizedReportSchema } from '../../../domain/observation.js';
import { PROJECT_ROOT } from '../../../paths.js';

const BIN = join(PROJECT_ROOT, 'bin', 'fertility');
const FIX = join(PROJECT_ROOT, 'fixtures', 'lab-reports');
let tmp = '';

function cli(args: string[], input?: Buffer | string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(BIN, ['normalize', ...args], {
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The CLI runs from dist/: build it. Other modules' type errors do not stop tsc from emitting,
  // so what matters is that the CLI entry point exists afterwards.
  spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 600_000 });
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'src', 'apps', 'cli', 'commands', 'normalize.js'))) {
    throw new Error('npm run build did not produce dist/src/apps/cli/commands/normalize.js');
  }
  tmp = mkdtempSync(join(tmpdir(), 'fertility-normalize-'));
}, 600_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('fertility normalize', () => {
  it('prints a readable table for one text report', () => {
    const r = cli([join(FIX, 'in-english-clia.txt')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^line\s+analyte\s+value\s+unit/);
    expect(r.stdout).toMatch(/\bamh\s+1\.42\s+ng\/mL/);
    expect(r.stdout).toContain('unrecognized:');
    expect(r.stdout).not.toMatch(/KAVITA|PATWARDHAN|SDC2024117345/);
  });

  it('--json prints the contracts §3 report and nothing else', () => {
    const r = cli(['--json', join(FIX, 'fr-bilan-hormonal.txt')]);
    expect(r.code).toBe(0);
    const report = NormalizedReportSchema.parse(JSON.parse(r.stdout));
    const expected = JSON.parse(readFileSync(join(FIX, 'fr-bilan-hormonal.txt.expected.json'), 'utf8')) as {
      observations: unknown[];
    };
    expect(report.observations).toHaveLength(expected.observations.length);
    expect(report.observations[0]).toMatchObject({
      analyte: 'amh',
      original: { value: '8,57', unit: 'pmol/l' },
    });
  });

  it('--fhir prints a FHIR R4 Bundle of Observations', () => {
    const r = cli(['--fhir', join(FIX, 'hl7-oru-r01.hl7')]);
    expect(r.code).toBe(0);
    const bundle = JSON.parse(r.stdout) as {
      resourceType: string;
      type: string;
      entry: Array<{ resource: { resourceType: string } }>;
    };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(bundle.entry.length).toBeGreaterThan(5);
    expect(bundle.entry.every((e) => e.resource.resourceType === 'Observation')).toBe(true);
    expect(r.stdout).not.toMatch(/NGUYEN|MRN778812/);
  });

  it('reads stdin with "-"', () => {
    const r = cli(['--json', '-'], 'FSH   6.5   IU/L   3.5 - 12.5\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ observations: [{ analyte: 'fsh', value: 6.5 }] });
  });

  it('several files: one result per file, errors in place, one stderr line per bad file, exit 1', () => {
    const r = cli([
      '--json',
      join(FIX, 'tsv-panel.tsv'),
      join(FIX, 'bad', 'empty.txt'),
      join(FIX, 'fhir-bundle.json'),
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      files: Array<{ file: string; report?: unknown; error?: { code: string } }>;
    };
    expect(out.files.map((f) => [f.file.split('/').pop(), f.report !== undefined, f.error?.code])).toEqual([
      ['tsv-panel.tsv', true, undefined],
      ['empty.txt', false, 'input-empty'],
      ['fhir-bundle.json', true, undefined],
    ]);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^fertility: .*empty\.txt: input-empty: /);
  });

  it('several files with --fhir: one Bundle per file', () => {
    const r = cli(['--fhir', join(FIX, 'tsv-panel.tsv'), join(FIX, 'semen-who2021.txt')]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { files: Array<{ bundle: { resourceType: string } }> };
    expect(out.files.map((f) => f.bundle.resourceType)).toEqual(['Bundle', 'Bundle']);
  });

  const badCases: Array<[string, string]> = [
    ['bad/empty.txt', 'input-empty'],
    ['bad/binary-junk.bin', 'input-binary'],
    ['bad/malformed-fhir.json', 'fhir-invalid'],
    ['bad/malformed-hl7.hl7', 'hl7-invalid'],
    ['pdf-no-text-layer.pdf', 'pdf-no-text-layer'],
  ];
  it.each(badCases)('bad input %s → exit 1 and one stderr line naming %s', (file, code) => {
    const r = cli(['--json', join(FIX, file)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^fertility: .*: ${code}: \\S`));
  });

  it('a 50 MB file → input-too-large, one line, exit 1', () => {
    const big = join(tmp, 'big.txt');
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 'AMH 1.2 ng/mL\n'));
    const r = cli([big]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^fertility: .*big\.txt: input-too-large: \d+ bytes; the limit is \d+ bytes\n$/);
  });

  it('a missing file → exit 1 with a clear line; --json with --fhir → usage error', () => {
    const r = cli([join(tmp, 'nope.txt')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope\.txt: .*no such file/);
    const u = cli(['--json', '--fhir', join(FIX, 'tsv-panel.tsv')]);
    expect(u.code).toBe(2);
  });
});
