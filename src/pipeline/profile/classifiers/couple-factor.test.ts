import { describe, expect, test } from 'vitest';
import type { Classification } from '../../../domain/profile.js';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { observationOf, partnerData } from '../partner.js';
import { classifyCouple } from './couple-factor.js';
import { classifyMaleFactor } from './male-factor.js';
import { classifySemen } from './semen.js';

const crit = loadProfileCriteria();
const normalSemen = [
  observationOf('sperm-concentration', 40, '10*6/mL'),
  observationOf('progressive-motility', 45, '%'),
  observationOf('normal-morphology', 6, '%'),
];
const completeFemale = {
  cycle: { regular: true },
  tubalPatency: 'bilateral',
  uterineCavity: 'normal',
  history: { endometriosis: false },
};
function run(femaleFields: Record<string, unknown>, semen = normalSemen, classes: Classification[] = []) {
  const s = classifySemen(partnerData({ observations: semen }), crit.semen);
  const mf = classifyMaleFactor(s, crit.couple);
  const all = [s, mf, ...classes];
  return {
    mf,
    ...classifyCouple(
      partnerData({ fields: femaleFields }),
      mf,
      (id) => all.find((c) => c.id === id),
      crit.couple,
    ),
  };
}

describe('male-factor classifier', () => {
  test.each([
    [normalSemen, 'absent'],
    [[observationOf('sperm-concentration', 0, '10*6/mL')], 'present'],
    [[...normalSemen.slice(0, 2), observationOf('normal-morphology', 3, '%')], 'present'],
    [normalSemen.slice(0, 1), 'insufficient-data'],
  ])('%# → %s', (semen, value) => {
    const r = run(completeFemale, semen).mf;
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });
});

describe('couple-factor classifier', () => {
  test('complete work-up, nothing found → unexplained, with what the engine cannot assess', () => {
    const { classification, summary } = run(completeFemale);
    expect(classification.value).toBe('unexplained');
    expect(summary.incompleteWorkUp).toEqual([]);
    expect(summary.notAssessedByEngine).toContain('cervix');
    ClassificationSchema.parse(classification);
  });

  test('an incomplete work-up never becomes unexplained; it lists what is missing', () => {
    const { classification, summary } = run({ cycle: { regular: true }, tubalPatency: 'unknown' });
    expect(classification.value).toBe('insufficient-data');
    expect(summary.incompleteWorkUp).toEqual([
      'tubal patency (HSG, HyCoSy or laparoscopy)',
      'uterine cavity (hysteroscopy, saline sonography or HSG)',
      'pelvis (endometriosis assessed)',
    ]);
  });

  test.each([
    [{ ...completeFemale, tubalPatency: 'unilateral' }, normalSemen, 'female-factor'],
    [completeFemale, [observationOf('sperm-concentration', 0, '10*6/mL')], 'male-factor'],
    [
      { ...completeFemale, history: { endometriosis: true } },
      [observationOf('sperm-concentration', 0, '10*6/mL')],
      'both',
    ],
  ] as const)('%# → %s', (f, semen, value) => {
    expect(run(f, [...semen]).classification.value).toBe(value);
  });

  test('a female factor can come from another classification (ovarian reserve low)', () => {
    const low = { id: 'ovarian-reserve', value: 'low' } as Classification;
    const { summary } = run(completeFemale, normalSemen, [low]);
    expect(summary.femaleFactors).toEqual([
      { factor: 'diminished ovarian reserve', because: 'ovarian-reserve = low' },
    ]);
  });

  test('female factor with the male work-up incomplete says "both" cannot be excluded', () => {
    const { classification } = run({ ...completeFemale, tubalPatency: 'none' }, normalSemen.slice(0, 1));
    expect(classification.value).toBe('female-factor');
    expect(classification.notes!.join(' ')).toMatch(/cannot be excluded/);
  });
});
