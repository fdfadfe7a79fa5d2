/**
 * @module pipeline/profile/classifiers/poseidon
 * `poseidon`: POSEIDON low-prognosis groups 1–4 (and sub-groups a/b for groups 1–2 from the
 * oocytes of a previous stimulation), from age, AFC and prior IVF/ICSI response. AMH is not used:
 * its POSEIDON cut-off could not be verified (see `clinical/criteria/poseidon.yaml`).
 */
import type { Classification } from '../../../domain/profile.js';
import type { PoseidonCriteria } from '../criteria.js';
import { numberField, type PartnerData } from '../types.js';
import { classified, insufficient, type Basis, type Inputs } from './common.js';

/** Lowest oocyte count over previous IVF/ICSI cycles, `null` when none reported a count, `undefined` when history is unknown. */
export function lowestPriorOocytes(
  p: PartnerData,
): { lowest: number | null; ivfEntries: number } | undefined {
  if (p.treatments === undefined) return undefined;
  const ivf = p.treatments.filter((t) => t.type === 'ivf' || t.type === 'icsi');
  const counts = ivf.flatMap((t) => (t.oocytesRetrieved === undefined ? [] : [t.oocytesRetrieved]));
  return { lowest: counts.length ? Math.min(...counts) : null, ivfEntries: ivf.length };
}

/** Classify the female partner by the POSEIDON criteria. */
export function classifyPoseidon(p: PartnerData, c: PoseidonCriteria): Classification {
  const basis: Basis = { id: 'poseidon', criterionSet: c.criterionSet, source: c.source };
  const a = c.olderFromAge;
  const afcCut = c.poorReserveAfcBelow;
  const maxO = c.lowResponseMaxOocytes;
  const sub = c.subgroupPoorBelow;
  const rule =
    `age < ${a} or ≥ ${a}; AFC < ${afcCut} → group 3 (age < ${a}) or group 4 (age ≥ ${a}); ` +
    `AFC ≥ ${afcCut} with ≤ ${maxO} oocytes in a previous IVF/ICSI stimulation → group 1 (age < ${a}) or group 2 (age ≥ ${a}), ` +
    `sub-group a if < ${sub} oocytes, b if ${sub}–${maxO}; AFC ≥ ${afcCut} with > ${maxO} oocytes or no previous stimulation → not low prognosis. ` +
    `The lowest count over previous IVF/ICSI cycles is used. AMH is not used: the POSEIDON AMH cut-off was not verified`;
  const age = numberField(p, 'age');
  const afc = numberField(p, 'afc');
  const prior = lowestPriorOocytes(p);
  const inputs: Inputs = { age: age ?? null, afc: afc ?? null, lowestPriorOocytes: prior?.lowest ?? null };
  const need: string[] = [];
  if (age === undefined) need.push("female partner's age");
  if (afc === undefined)
    need.push(
      'antral follicle count (AMH alone cannot place a patient: its POSEIDON cut-off is not verified)',
    );
  if (age === undefined || afc === undefined) return insufficient(basis, need, inputs, rule);
  const older = age >= a;
  if (afc < afcCut) return classified(basis, older ? 'group-4' : 'group-3', inputs, rule);
  if (prior === undefined) {
    return insufficient(
      basis,
      ['previous IVF/ICSI stimulation history (oocytes retrieved, or none)'],
      inputs,
      rule,
    );
  }
  if (prior.lowest === null) {
    if (prior.ivfEntries > 0) {
      return insufficient(
        basis,
        ['number of oocytes retrieved in the previous IVF/ICSI cycle(s)'],
        inputs,
        rule,
      );
    }
    return classified(basis, 'not-low-prognosis', inputs, rule, {
      notes: ['no previous IVF/ICSI stimulation reported; POSEIDON groups 1–2 need a previous response'],
    });
  }
  if (prior.lowest > maxO) return classified(basis, 'not-low-prognosis', inputs, rule);
  const group = older ? 2 : 1;
  return classified(basis, `group-${group}`, inputs, rule, {
    subgroup: `${group}${prior.lowest < sub ? 'a' : 'b'}`,
    additionalSources: [c.subgroupSource],
  });
}
