import { describe, expect, test } from 'vitest';
import type { Treatment } from '../../../domain/intake.js';
import { ClassificationSchema } from '../../../domain/profile.js';
import { loadProfileCriteria } from '../criteria.js';
import { observationOf, partnerData } from '../partner.js';
import { classifyBologna } from './bologna.js';

const c = loadProfileCriteria().bologna;
interface Case {
  age?: number;
  afc?: number;
  amh?: number;
  oocytes?: number | 'none';
}
const run = ({ age, afc, amh, oocytes }: Case) => {
  const treatments: Treatment[] | undefined =
    oocytes === undefined
      ? undefined
      : oocytes === 'none'
        ? []
        : [{ type: 'icsi', cycles: 1, oocytesRetrieved: oocytes }];
  return classifyBologna(
    partnerData({
      fields: { ...(age === undefined ? {} : { age }), ...(afc === undefined ? {} : { afc }) },
      observations: amh === undefined ? [] : [observationOf('amh', amh, 'ng/mL')],
      ...(treatments ? { treatments } : {}),
    }),
    c,
  );
};

describe('bologna-por classifier', () => {
  test.each([
    // feature (i) age ≥ 40, with a previous poor response: 39 / 40 / 41
    [{ age: 39, oocytes: 3, afc: 10 }, 'does-not-meet'],
    [{ age: 40, oocytes: 3, afc: 10 }, 'meets'],
    [{ age: 41, oocytes: 3, afc: 10 }, 'meets'],
    // feature (ii) ≤ 3 oocytes: 3 / 4, with age ≥ 40
    [{ age: 42, oocytes: 4, afc: 10 }, 'does-not-meet'],
    [{ age: 30, oocytes: 2, afc: 3 }, 'meets'],
    // feature (iii) AFC range 5–7: below 5 abnormal, 5 and 6 indeterminate, 7 and above normal
    [{ age: 30, oocytes: 3, afc: 4 }, 'meets'],
    [{ age: 30, oocytes: 3, afc: 5 }, 'insufficient-data'],
    [{ age: 30, oocytes: 3, afc: 6 }, 'insufficient-data'],
    [{ age: 30, oocytes: 3, afc: 7 }, 'does-not-meet'],
    [{ age: 30, oocytes: 3, afc: 8 }, 'does-not-meet'],
    // AMH range 0.7–1.3 ng/mL
    [{ age: 30, oocytes: 3, amh: 0.69 }, 'meets'],
    [{ age: 30, oocytes: 3, amh: 0.7 }, 'insufficient-data'],
    [{ age: 30, oocytes: 3, amh: 1.29 }, 'insufficient-data'],
    [{ age: 30, oocytes: 3, amh: 1.3 }, 'does-not-meet'],
    [{ age: 30, oocytes: 3, amh: 1.31 }, 'does-not-meet'],
  ] as Array<[Case, string]>)('%j → %s', (input, value) => {
    const r = run(input);
    expect(r.value).toBe(value);
    ClassificationSchema.parse(r);
  });

  test('an indeterminate ORT says so in what is needed', () => {
    expect(run({ age: 30, oocytes: 3, afc: 6 }).need!.join(' ')).toMatch(
      /values inside it are indeterminate/,
    );
  });

  // The four Bologna sub-groups studied by Romito et al. (Front Endocrinol 2020), each ≥ 2 features.
  test.each([
    [{ age: 41, afc: 3, oocytes: 'none' }, true],
    [{ age: 41, afc: 3, oocytes: 2 }, false],
    [{ age: 41, afc: 9, oocytes: 2 }, false],
    [{ age: 35, afc: 3, oocytes: 2 }, false],
  ] as Array<[Case, boolean]>)(
    'worked example %j meets (expected poor responder note: %s)',
    (input, expected) => {
      const r = run(input);
      expect(r.value).toBe('meets');
      expect((r.notes ?? []).some((n) => n.startsWith('expected poor responder'))).toBe(expected);
    },
  );

  test('the contracts §4 example (34 y, 3 oocytes, AFC 8, AMH 1.2) cannot be decided: AMH 1.2 is inside the range', () => {
    const r = run({ age: 34, oocytes: 3, afc: 8, amh: 1.2 });
    expect(r.value).toBe('insufficient-data');
    expect(r.inputs['feature.abnormalOrt']).toBe('indeterminate');
  });

  test('nothing known → insufficient-data listing each feature', () => {
    expect(run({}).need).toHaveLength(3);
  });
});
