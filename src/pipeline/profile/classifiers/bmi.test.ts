import { describe, expect, test } from 'vitest';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { partnerData } from '../partner.js';
import { bmiOf, classifyBmi } from './bmi.js';

const c = loadProfileCriteria().bmi;
// At a height of 100 cm the BMI equals the weight in kg, so thresholds can be hit exactly.
const at = (bmi: number, ethnicity?: string) =>
  classifyBmi(
    'female',
    partnerData({ fields: { heightCm: 100, weightKg: bmi, ...(ethnicity ? { ethnicity } : {}) } }),
    c,
  );

describe('bmi classifier', () => {
  test('BMI arithmetic', () => expect(bmiOf(160, 69)).toBeCloseTo(26.95, 2));
  test.each([
    [160, 64, 'overweight'],
    [170, 72.25, 'overweight'],
    [180, 97.2, 'obese'],
    [150, 41.625, 'normal'],
  ])(
    'a real height/weight exactly at a cut-off is classified upwards (%d cm, %d kg → %s)',
    (heightCm, weightKg, value) => {
      expect(classifyBmi('female', partnerData({ fields: { heightCm, weightKg } }), c).value).toBe(value);
    },
  );

  test.each([
    [18.49, 'underweight'],
    [18.5, 'normal'],
    [18.51, 'normal'],
    [24.99, 'normal'],
    [25, 'overweight'],
    [25.01, 'overweight'],
    [29.99, 'overweight'],
    [30, 'obese'],
    [30.01, 'obese'],
  ])('WHO international: BMI %d → %s', (bmi, value) => {
    const r = at(bmi);
    expect(r.value).toBe(value);
    expect(r.rule).toContain('WHO international');
    ClassificationSchema.parse(r);
  });

  test.each([
    [18.49, 'underweight'],
    [22.99, 'normal'],
    [23, 'overweight'],
    [23.01, 'overweight'],
    [27.49, 'overweight'],
    [27.5, 'obese'],
    [27.51, 'obese'],
  ])('Asian cut-offs (south-asian): BMI %d → %s', (bmi, value) => {
    const r = at(bmi, 'south-asian');
    expect(r.value).toBe(value);
    expect(r.rule).toContain('Asian cut-offs');
    expect(r.rule).toContain('"south-asian" is in the Asian list');
  });

  test('an ethnicity outside the list uses the international cut-offs and says so', () => {
    const r = at(24, 'white-european');
    expect(r.value).toBe('normal');
    expect(r.rule).toContain('"white-european" is not in the Asian list');
  });

  test('ethnicity matching is case-insensitive', () =>
    expect(at(24, 'South-Asian').value).toBe('overweight'));

  test('the contracts §4 example (160 cm, 69 kg, south-asian) is overweight by Asian cut-offs', () => {
    const r = classifyBmi(
      'female',
      partnerData({ fields: { heightCm: 160, weightKg: 69, ethnicity: 'south-asian' } }),
      c,
    );
    expect(r.value).toBe('overweight');
    expect(r.inputs.bmi).toBe(26.95);
  });

  test('shown BMI never crosses into another class', () => {
    const r = at(24.999);
    expect(r.value).toBe('normal');
    expect(r.inputs.bmi).toBe(24.99);
  });

  test('missing height → insufficient-data naming it', () => {
    const r = classifyBmi('male', partnerData({ fields: { weightKg: 80 } }), c);
    expect(r).toMatchObject({
      id: 'bmi-male',
      value: 'insufficient-data',
      need: ["male partner's height (cm)"],
    });
  });
});
