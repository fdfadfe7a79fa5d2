import { describe, expect, test } from 'vitest';
import type { Flag } from '../../../domain/observation.js';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { observationOf, partnerData } from '../partner.js';
import { classifyThyroid, classifyThyroidAutoimmunity } from './thyroid.js';

const c = loadProfileCriteria().thyroid;
const tsh = (value: number, flag: Flag | null) => observationOf('tsh', value, 'm[IU]/L', { flag });
const ft4 = (flag: Flag | null) => observationOf('free-t4', 1.1, 'ng/dL', { flag });

describe('thyroid classifier', () => {
  test.each([
    ['normal', null, 'euthyroid'],
    ['normal', 'normal', 'euthyroid'],
    ['high', 'normal', 'subclinical-hypothyroidism'],
    ['high', 'low', 'overt-hypothyroidism'],
    ['low', 'high', 'hyperthyroidism'],
    ['low', 'normal', 'subclinical-hyperthyroidism'],
    ['high', null, 'insufficient-data'],
    ['low', null, 'insufficient-data'],
    ['high', 'high', 'insufficient-data'],
    ['normal', 'low', 'insufficient-data'],
  ] as Array<[Flag, Flag | null, string]>)('TSH %s, FT4 %s → %s', (t, f, value) => {
    const obs = [tsh(2, t), ...(f === null ? [] : [ft4(f)])];
    const r = classifyThyroid(partnerData({ observations: obs }), c);
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });

  test.each([
    [3.99, 'insufficient-data'],
    [4.0, 'insufficient-data'],
    [4.01, 'subclinical-hypothyroidism'],
  ])('without a lab range, TSH %d uses ASRM’s typical upper limit of 4 only upwards → %s', (v, value) => {
    const r = classifyThyroid(partnerData({ observations: [tsh(v, null), ft4('normal')] }), c);
    expect(r.value).toBe(value);
    if (value !== 'insufficient-data') expect(r.notes![0]).toMatch(/ASRM's typical non-pregnant upper limit/);
    else expect(r.need![0]).toMatch(/low TSH cannot be excluded/);
  });

  test('no TSH → insufficient-data', () => {
    expect(classifyThyroid(partnerData({}), c).need).toEqual(['TSH (with the laboratory reference range)']);
  });
});

describe('thyroid-autoimmunity classifier', () => {
  test.each([
    ['high', 'present'],
    ['normal', 'absent'],
    [null, 'insufficient-data'],
  ] as Array<[Flag | null, string]>)('anti-TPO flag %s → %s', (flag, value) => {
    const r = classifyThyroidAutoimmunity(
      partnerData({ observations: [observationOf('anti-tpo', 40, '[IU]/mL', { flag })] }),
      c,
    );
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });
  test('no anti-TPO → insufficient-data', () =>
    expect(classifyThyroidAutoimmunity(partnerData({}), c).value).toBe('insufficient-data'));
});
