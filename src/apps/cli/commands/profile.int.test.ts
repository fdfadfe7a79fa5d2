// Runs the built CLI (`npm test` builds first) on the intake fixtures, as a user would.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { CoupleProfileSchema } from '../../../domain/profile.js';
import { PROJECT_ROOT } from '../../../paths.js';

const run = promisify(execFile);
const BIN = join(PROJECT_ROOT, 'bin', 'fertility');
const fixture = (name: string) => join(PROJECT_ROOT, 'fixtures', 'intakes', name);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(BIN, args, { cwd: PROJECT_ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('fertility profile (built CLI)', () => {
  beforeAll(() => {
    if (!existsSync(join(PROJECT_ROOT, 'dist', 'src', 'apps', 'cli', 'main.js')))
      throw new Error('run `npm run build` first');
  });

  test('--json on the contracts §4 example prints a complete profile and nothing else', async () => {
    const r = await cli(['profile', fixture('contracts-example.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const profile = CoupleProfileSchema.parse(JSON.parse(r.stdout));
    expect(profile.classifications.map((c) => c.id)).toEqual([
      'bmi-female',
      'bmi-male',
      'ovarian-reserve',
      'poseidon',
      'bologna-por',
      'pcos-rotterdam',
      'semen-who2021',
      'thyroid',
      'thyroid-autoimmunity',
      'prolactin',
      'infertility-duration',
      'female-age-band',
      'male-factor',
      'couple-factor',
    ]);
    expect(profile.classifications.find((c) => c.id === 'poseidon')).toMatchObject({
      value: 'group-1',
      subgroup: '1a',
    });
    expect(profile.prognosis.available).toBe(false);
  });

  test('human output shows each classification with its rule and source', async () => {
    const r = await cli(['profile', fixture('seed-couple.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/semen-who2021: teratozoospermia/);
    expect(r.stdout).toMatch(/rule: {4}/);
    expect(r.stdout).toMatch(/source: {2}WHO\. WHO laboratory manual/);
  });

  test('--semen-reference who2010 switches the limits', async () => {
    const r = await cli(['profile', fixture('seed-couple.json'), '--json', '--semen-reference', 'who2010']);
    const p = CoupleProfileSchema.parse(JSON.parse(r.stdout));
    expect(p.classifications.find((c) => c.id === 'semen-who2021')!.criterionSet.year).toBe(2010);
  });

  test.each([
    ['bad/height-in-metres.json', /female.heightCm is 1.6: heightCm looks like metres/],
    ['bad/weight-zero.json', /female.weightKg is 0/],
    ['bad/unknown-analyte.json', /"amhh" is not an analyte id/],
    ['bad/contradictory-amh.json', /both dated 2026-03-01/],
    ['bad/wrong-types.json', /female.age: .*expected number.*unknown field "heigthCm"/],
  ])(
    'bad intake %s → non-zero exit, one line on stderr naming the field, nothing on stdout',
    async (file, message) => {
      const r = await cli(['profile', fixture(file), '--json']);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    },
  );

  test('a missing file is a one-line error', async () => {
    const r = await cli(['profile', fixture('nope.json')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no such file/);
  });
});
