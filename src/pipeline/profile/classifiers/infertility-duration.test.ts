import { describe, expect, test } from 'vitest';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { partnerData } from '../partner.js';
import { classifyInfertilityDuration } from './infertility-duration.js';

const c = loadProfileCriteria().duration;
const run = (tryingMonths?: number, age?: number) =>
  classifyInfertilityDuration(
    partnerData({
      fields: {
        ...(tryingMonths === undefined ? {} : { tryingMonths }),
        ...(age === undefined ? {} : { age }),
      },
    }),
    c,
  );

describe('infertility-duration classifier', () => {
  test.each([
    [11, 34, 'not-yet-infertile'],
    [12, 34, 'infertile'],
    [13, 34, 'infertile'],
    [5, 35, 'not-yet-infertile'],
    [6, 35, 'infertile'],
    [7, 35, 'infertile'],
    [6, 34.9, 'not-yet-infertile'],
    [6, 36, 'infertile'],
    [18, undefined, 'infertile'],
    [3, undefined, 'not-yet-infertile'],
    [8, undefined, 'insufficient-data'],
    [undefined, 30, 'insufficient-data'],
  ])('%s months at age %s → %s', (m, a, value) => {
    const r = run(m, a);
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });
});
