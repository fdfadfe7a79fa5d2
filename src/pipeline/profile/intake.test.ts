import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../../paths.js';
import { loadProfileCriteria } from './criteria.js';
import { validateIntake } from './intake.js';

const plaus = loadProfileCriteria().plausibility;
const bad = (name: string): unknown =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures/intakes/bad', name), 'utf8'));
async function errors(input: unknown) {
  const r = await validateIntake(input, plaus);
  if (r.kind === 'ok') throw new Error('expected the intake to be refused');
  return r.kind === 'error' ? r.issues : r.reasons;
}
async function accepted(input: unknown) {
  const r = await validateIntake(input, plaus);
  if (r.kind !== 'ok') throw new Error(`expected acceptance, got ${JSON.stringify(r)}`);
  return r.value;
}

describe('intake validation: bad input is an error naming the field', () => {
  test.each([
    ['height-in-metres.json', 'value-implausible', 'female.heightCm', /heightCm looks like metres.*160/],
    [
      'weight-zero.json',
      'value-implausible',
      'female.weightKg',
      /female.weightKg is 0: outside the plausible range/,
    ],
    ['negative-age.json', 'value-implausible', 'male.age', /male.age is -5/],
    ['unknown-analyte.json', 'analyte-unknown', 'female.labs[0].analyte', /"amhh" is not an analyte id/],
    [
      'contradictory-amh.json',
      'value-contradictory',
      'female.labs[1]',
      /female.labs\[0\] \(1.2 ng\/mL\) and female.labs\[1\] \(2.9 ng\/mL\) are both dated 2026-03-01/,
    ],
    ['not-an-object.json', 'input-invalid', '(root)', /must be a JSON object/],
  ])('%s → %s at %s', async (file, code, path, message) => {
    const issues = await errors(bad(file));
    const i = issues.find((x) => x.code === code);
    expect(i, JSON.stringify(issues)).toBeDefined();
    expect(i!.path).toBe(path);
    expect(i!.severity).toBe('error');
    expect(i!.message).toMatch(message);
  });

  test('wrong types and unknown keys are each reported, never coerced', async () => {
    const issues = await errors(bad('wrong-types.json'));
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['input-invalid', 'female.age'],
      ['input-invalid', 'female.heigthCm'],
    ]);
    expect(issues[0]!.message).toMatch(/expected number, received string/);
    expect(issues[1]!.message).toMatch(/unknown field "heigthCm"/);
  });

  test.each([
    [{ female: { afc: 8.5 } }, 'female.afc', /whole number/],
    [{ female: { treatments: [{ type: 'gift' }] } }, 'female.treatments[0].type', /Invalid option/],
    [{ female: { labs: [{ analyte: 'amh', value: 1.2 }] } }, 'female.labs[0].unit', /expected string/],
    [
      { female: { labs: [{ analyte: 'amh', value: 1.2, unit: 'ng/mL', date: '2026-02-30' }] } },
      'female.labs[0].date',
      /date looks like/,
    ],
    [{ female: { tubalPatency: 'yes' } }, 'female.tubalPatency', /Invalid option/],
  ])('%j → error at %s', async (input, path, message) => {
    const issues = await errors(input);
    expect(issues[0]).toMatchObject({ code: 'input-invalid', path });
    expect(issues[0]!.message).toMatch(message);
  });

  test('every problem is reported, not only the first', async () => {
    const issues = await errors({ female: { age: 200, heightCm: 1.7, weightKg: -3 }, male: { age: 5 } });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'female.age',
      'female.heightCm',
      'female.weightKg',
      'male.age',
    ]);
  });

  test('a lab value that cannot be converted is an error naming its unit', async () => {
    const issues = await errors({ female: { labs: [{ analyte: 'amh', value: 1.2, unit: 'furlongs' }] } });
    expect(issues[0]!.path).toBe('female.labs[0].unit');
    expect(issues[0]!.severity).toBe('error');
  });

  test('a percentage above 100 is implausible', async () => {
    const issues = await errors({
      male: { semen: [{ analyte: 'progressive-motility', value: 130, unit: '%' }] },
    });
    expect(issues[0]).toMatchObject({ code: 'value-implausible', path: 'male.semen[0].value' });
  });

  test('a negative lab value is implausible', async () => {
    const issues = await errors({ female: { labs: [{ analyte: 'tsh', value: -1, unit: 'mIU/L' }] } });
    expect(issues[0]).toMatchObject({ code: 'value-implausible', path: 'female.labs[0].value' });
  });

  test('two undated different values of one analyte are contradictory', async () => {
    const issues = await errors({
      female: {
        labs: [
          { analyte: 'amh', value: 1.2, unit: 'ng/mL' },
          { analyte: 'amh', value: 3, unit: 'ng/mL' },
        ],
      },
    });
    expect(issues[0]!.message).toMatch(/both undated; give each a date/);
  });
});

describe('intake validation: what is accepted', () => {
  test('an empty intake is valid (everything becomes insufficient-data later)', async () => {
    const v = await accepted({});
    expect(v.input.female.present).toBe(false);
  });

  test('plausible but odd values are warnings', async () => {
    const v = await accepted({ female: { age: 57, lifestyle: { sleepHours: 2 } } });
    expect(v.warnings.map((w) => [w.code, w.path])).toEqual([
      ['value-unusual', 'female.age'],
      ['value-unusual', 'female.lifestyle.sleepHours'],
    ]);
  });

  test('lab values in any convertible unit are canonical on the way in (AMH pmol/L → ng/mL)', async () => {
    const v = await accepted({ female: { labs: [{ analyte: 'amh', value: 8.57, unit: 'pmol/L' }] } });
    const amh = v.observations.female[0]!;
    expect(amh.unit).toBe('ng/mL');
    expect(amh.value).toBeCloseTo(1.2, 2);
    expect(amh.original).toEqual({ value: '8.57', unit: 'pmol/L' });
    expect(amh.from).toBe('female.labs[0]');
  });

  test('the same result given in two units is not a contradiction', async () => {
    const v = await accepted({
      female: {
        labs: [
          { analyte: 'amh', value: 1.2, unit: 'ng/mL', date: '2026-01-05' },
          { analyte: 'amh', value: 8.57, unit: 'pmol/L', date: '2026-01-05' },
        ],
      },
    });
    expect(v.observations.female).toHaveLength(1);
  });

  test('the latest dated value is used; older ones are kept out', async () => {
    const v = await accepted({
      female: {
        labs: [
          { analyte: 'amh', value: 2.0, unit: 'ng/mL', date: '2025-01-05' },
          { analyte: 'amh', value: 1.1, unit: 'ng/mL', date: '2026-01-05' },
        ],
      },
    });
    expect(v.observations.female[0]!.value).toBe(1.1);
  });

  test('BMI is derived from height and weight', async () => {
    const v = await accepted({ female: { heightCm: 160, weightKg: 64 } });
    expect(v.input.female.fields.get('bmi')).toBe(25);
  });

  test('never throws on arbitrary JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (j) => {
        const r = await validateIntake(j, plaus);
        expect(['ok', 'error']).toContain(r.kind);
      }),
      { numRuns: 200 },
    );
  });

  test('never throws on intake-shaped random values', async () => {
    const num = fc.oneof(fc.double(), fc.integer(), fc.constant(0), fc.string());
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            female: fc.record(
              { age: num, heightCm: num, weightKg: num, afc: num, tryingMonths: num },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        ),
        async (j) => {
          const r = await validateIntake(j, plaus);
          if (r.kind === 'error') for (const i of r.issues) expect(i.path).toBeTruthy();
        },
      ),
      { numRuns: 200 },
    );
  });
});
