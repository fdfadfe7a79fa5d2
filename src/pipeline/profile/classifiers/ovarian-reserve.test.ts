import { describe, expect, test } from 'vitest';
import type { ProfileObservation } from '../../../domain/profile.js';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { observationOf, partnerData } from '../partner.js';
import { classifyOvarianReserve } from './ovarian-reserve.js';

const c = loadProfileCriteria().ovarianReserve;
const obs = observationOf;
const run = (fields: Record<string, unknown>, observations: ProfileObservation[] = []) =>
  classifyOvarianReserve(partnerData({ fields, observations }), c);

describe('ovarian-reserve classifier', () => {
  test.each([
    [0.99, 'low'],
    [1.0, 'normal'],
    [1.01, 'normal'],
  ])('AMH %d ng/mL → %s', (v, value) => {
    const r = run({}, [obs('amh', v, 'ng/mL')]);
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });

  test.each([
    [9, 'low'],
    [10, 'low'],
    [11, 'normal'],
  ])('AFC %d → %s', (afc, value) => expect(run({ afc }).value).toBe(value));

  test.each([
    [9.99, 'normal'],
    [10, 'normal'],
    [10.01, 'low'],
  ])('day-3 FSH %d IU/L (with AMH normal) → %s', (v, value) => {
    expect(run({}, [obs('amh', 2, 'ng/mL'), obs('fsh', v, '[IU]/L', { cycleDay: 3 })]).value).toBe(value);
  });

  test.each([
    [79.9, 'normal'],
    [80, 'low'],
    [80.1, 'low'],
  ])('day-3 estradiol %d pg/mL (with AFC normal) → %s', (v, value) => {
    expect(run({ afc: 15 }, [obs('estradiol', v, 'pg/mL', { cycleDay: 3 })]).value).toBe(value);
  });

  test.each([[1], [6], [undefined]])(
    'FSH drawn on cycle day %s is not used, and the note says why',
    (day) => {
      const r = run({ afc: 15 }, [obs('fsh', 25, '[IU]/L', day === undefined ? {} : { cycleDay: day })]);
      expect(r.value).toBe('normal');
      expect(r.notes!.join(' ')).toMatch(/day-3 FSH not used/);
    },
  );

  test('the contracts §4 example (AMH 1.2, AFC 8) is low because of the AFC', () => {
    const r = run({ afc: 8 }, [obs('amh', 1.2, 'ng/mL')]);
    expect(r.value).toBe('low');
    expect(r.rule).toContain('Met: AFC ≤ 10');
  });

  test('a censored AMH is decided only when every value it stands for agrees', () => {
    expect(run({}, [obs('amh', 0.5, 'ng/mL', { comparator: '<' })]).value).toBe('low');
    const r = run({}, [obs('amh', 1.5, 'ng/mL', { comparator: '<' })]);
    expect(r.value).toBe('insufficient-data');
    expect(r.need![0]).toMatch(/AMH as an exact value/);
  });

  test('FSH alone cannot make "normal": AMH or AFC is needed', () => {
    const r = run({}, [obs('fsh', 6, '[IU]/L', { cycleDay: 3 })]);
    expect(r).toMatchObject({ value: 'insufficient-data', need: ['AMH or AFC (female partner)'] });
  });

  test('AMH above the lab range is noted; "high" is never assigned', () => {
    const r = run({ afc: 20 }, [obs('amh', 9, 'ng/mL', { flag: 'high' })]);
    expect(r.value).toBe('normal');
    expect(r.notes!.join(' ')).toMatch(/no verified criterion/);
  });

  test('a lab value in a non-canonical unit is refused, not compared', () => {
    expect(() => run({}, [obs('amh', 8.57, 'pmol/L')])).toThrow(/unit mismatch/);
  });
});
