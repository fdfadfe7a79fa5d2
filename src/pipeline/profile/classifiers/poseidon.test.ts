import { describe, expect, test } from 'vitest';
import type { Treatment } from '../../../domain/intake.js';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { observationOf, partnerData } from '../partner.js';
import { classifyPoseidon } from './poseidon.js';

const c = loadProfileCriteria().poseidon;
const ivf = (oocytesRetrieved?: number): Treatment => ({
  type: 'ivf',
  cycles: 1,
  ...(oocytesRetrieved === undefined ? {} : { oocytesRetrieved }),
});
const run = (age: number | undefined, afc: number | undefined, treatments?: Treatment[]) =>
  classifyPoseidon(
    partnerData({
      fields: { ...(age === undefined ? {} : { age }), ...(afc === undefined ? {} : { afc }) },
      ...(treatments ? { treatments } : {}),
    }),
    c,
  );

describe('poseidon classifier (AFC-based)', () => {
  test.each([
    // age threshold 35, AFC threshold 5 (expected low prognosis: no previous stimulation needed)
    [34.9, 4, 'group-3'],
    [35, 4, 'group-4'],
    [35.1, 4, 'group-4'],
    [30, 0, 'group-3'],
  ])('age %d, AFC %d → %s', (age, afc, value) => {
    const r = run(age, afc, []);
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });

  test.each([
    // AFC at and above 5 with a previous response: oocyte thresholds 4 and 9
    [34, 5, 3, 'group-1', '1a'],
    [34, 5, 4, 'group-1', '1b'],
    [34, 6, 9, 'group-1', '1b'],
    [34, 6, 10, 'not-low-prognosis', undefined],
    [35, 5, 3, 'group-2', '2a'],
    [35, 5, 4, 'group-2', '2b'],
    [40, 12, 9, 'group-2', '2b'],
    [40, 12, 10, 'not-low-prognosis', undefined],
  ])('age %d, AFC %d, %d oocytes → %s %s', (age, afc, oocytes, value, subgroup) => {
    const r = run(age, afc, [ivf(oocytes)]);
    expect(r.value).toBe(value);
    expect(r.subgroup).toBe(subgroup);
    if (subgroup) expect(r.additionalSources?.[0]?.doi).toBe('10.5005/jp-journals-10016-1257');
  });

  test('the lowest count over several IVF cycles is used', () => {
    expect(run(33, 8, [ivf(12), ivf(3)]).subgroup).toBe('1a');
  });

  test('contracts §5 worked example: age 34, AFC 4 → group-3 (AMH 0.8 is not needed)', () => {
    const r = classifyPoseidon(
      partnerData({ fields: { age: 34, afc: 4 }, observations: [observationOf('amh', 0.8, 'ng/mL')] }),
      c,
    );
    expect(r.value).toBe('group-3');
  });

  test('AFC ≥ 5 and no previous IVF/ICSI → not low prognosis (IUI does not count)', () => {
    const r = run(30, 9, [{ type: 'iui', cycles: 3, stimulated: true }]);
    expect(r.value).toBe('not-low-prognosis');
  });

  test('AFC missing → insufficient-data, even with AMH, and says why AMH is not used', () => {
    const r = classifyPoseidon(
      partnerData({ fields: { age: 30 }, observations: [observationOf('amh', 0.5, 'ng/mL')] }),
      c,
    );
    expect(r.value).toBe('insufficient-data');
    expect(r.need!.join(' ')).toMatch(/AMH alone cannot place a patient/);
  });

  test('AFC ≥ 5 with unknown treatment history → insufficient-data', () => {
    expect(run(30, 9).need).toEqual(['previous IVF/ICSI stimulation history (oocytes retrieved, or none)']);
  });

  test('IVF reported without an oocyte count → insufficient-data', () => {
    expect(run(30, 9, [ivf()]).need).toEqual([
      'number of oocytes retrieved in the previous IVF/ICSI cycle(s)',
    ]);
  });

  test('age missing → insufficient-data', () =>
    expect(run(undefined, 3, []).need).toEqual(["female partner's age"]));
});
