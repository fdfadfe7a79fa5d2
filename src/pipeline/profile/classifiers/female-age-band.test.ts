import { describe, expect, test } from 'vitest';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { partnerData } from '../partner.js';
import { classifyFemaleAgeBand } from './female-age-band.js';

const c = loadProfileCriteria().ageBands;

describe('female-age-band classifier', () => {
  test.each([
    [34.9, 'under-35'],
    [35, '35-to-39'],
    [35.1, '35-to-39'],
    [39.9, '35-to-39'],
    [40, '40-to-42'],
    [42.9, '40-to-42'],
    [43, '43-or-over'],
    [43.1, '43-or-over'],
  ])('age %d → %s', (age, value) => {
    const r = classifyFemaleAgeBand(partnerData({ fields: { age } }), c);
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });
  test('no age → insufficient-data', () =>
    expect(classifyFemaleAgeBand(partnerData({}), c).value).toBe('insufficient-data'));
});
