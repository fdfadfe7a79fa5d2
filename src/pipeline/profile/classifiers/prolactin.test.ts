import { describe, expect, test } from 'vitest';
import type { Flag } from '../../../domain/observation.js';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { observationOf, partnerData } from '../partner.js';
import { classifyProlactin } from './prolactin.js';

const c = loadProfileCriteria().prolactin;
const run = (value: number, flag: Flag | null, high?: number) =>
  classifyProlactin(
    partnerData({
      observations: [
        observationOf('prolactin', value, 'ng/mL', {
          flag,
          referenceRange: high === undefined ? null : { high, unit: 'ng/mL' },
        }),
      ],
    }),
    c,
  );

describe('prolactin classifier (laboratory upper limit)', () => {
  // The flag comes from the lab's range: just below, at and just above an upper limit of 25 ng/mL.
  test.each([
    [24.9, 'normal', 'normal'],
    [25, 'normal', 'normal'],
    [25.1, 'high', 'raised'],
  ] as Array<[number, Flag, string]>)('%d ng/mL (flag %s) → %s', (v, flag, value) => {
    const r = run(v, flag, 25);
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });
  test('no range or flag: no universal number is applied', () => {
    expect(run(80, null).need![0]).toMatch(/no universal limit/);
  });
  test('raised carries the sampling caveats', () =>
    expect(run(40, 'high', 25).notes![0]).toMatch(/macroprolactin/));
});
