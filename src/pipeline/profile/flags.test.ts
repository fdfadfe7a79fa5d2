import { describe, expect, test } from 'vitest';
import { LifestyleFlagSchema } from '../../domain/profile.js';
import { loadProfileCriteria } from './criteria.js';
import { flagLimitations, lifestyleFlags } from './flags.js';
import { partnerData } from './partner.js';

const c = loadProfileCriteria().lifestyle;
const run = (female: Record<string, unknown>, male: Record<string, unknown> = {}) =>
  lifestyleFlags({ female: partnerData({ fields: female }), male: partnerData({ fields: male }) }, c).map(
    (f) => f.id,
  );

describe('lifestyle flags', () => {
  test.each([
    ['current', ['smoking-female']],
    ['former', []],
    ['never', []],
  ])('female smoking %s → %j', (smoking, ids) => expect(run({ lifestyle: { smoking } })).toEqual(ids));

  test('male smoking is flagged for the male partner', () =>
    expect(run({}, { lifestyle: { smoking: 'current' } })).toEqual(['smoking-male']));

  test.each([
    [3.9, []],
    [4, []],
    [4.1, ['alcohol-female']],
  ])('female alcohol %d units/week → %j', (u, ids) =>
    expect(run({ lifestyle: { alcoholUnitsPerWeek: u } })).toEqual(ids),
  );

  test.each([
    [27.9, []],
    [28, []],
    [28.1, ['alcohol-male']],
  ])('male alcohol %d units/week → %j', (u, ids) =>
    expect(run({}, { lifestyle: { alcoholUnitsPerWeek: u } })).toEqual(ids),
  );

  test.each([
    [18.9, ['bmi-female']],
    [19, []],
    [19.1, []],
    [29.9, []],
    [30, ['bmi-female']],
    [30.1, ['bmi-female']],
  ])('female BMI %d → %j', (bmi, ids) => expect(run({ bmi })).toEqual(ids));

  test('male BMI is not flagged (no verified threshold for men)', () =>
    expect(run({}, { bmi: 35 })).toEqual([]));

  test.each([
    [199, []],
    [200, ['caffeine-female']],
    [201, ['caffeine-female']],
  ])('female caffeine %d mg/day → %j', (mg, ids) =>
    expect(run({ lifestyle: { caffeineMgPerDay: mg } })).toEqual(ids),
  );

  test('male caffeine is never flagged by a number', () =>
    expect(run({}, { lifestyle: { caffeineMgPerDay: 900 } })).toEqual([]));

  test('every flag carries its source and rule and is modifiable', () => {
    const flags = lifestyleFlags(
      {
        female: partnerData({
          fields: {
            bmi: 31,
            lifestyle: { smoking: 'current', alcoholUnitsPerWeek: 10, caffeineMgPerDay: 300 },
          },
        }),
        male: partnerData({ fields: { lifestyle: { smoking: 'current', alcoholUnitsPerWeek: 40 } } }),
      },
      c,
    );
    expect(flags).toHaveLength(6);
    for (const f of flags) LifestyleFlagSchema.parse(f);
    expect(flags.find((f) => f.id === 'caffeine-female')!.source.doi).toBe('10.1097/AOG.0b013e3181eeb2a1');
  });

  test('limitations name what is not flagged', () =>
    expect(flagLimitations(c).join(' ')).toMatch(/exercise/));
});
