/**
 * @module pipeline/profile/classifiers/infertility-duration
 * `infertility-duration`: infertile after 12 months of trying, or 6 months when the female partner
 * is 35 or older (ASRM 2023; numbers in `clinical/criteria/infertility-duration.yaml`).
 */
import type { Classification } from '../../../domain/profile.js';
import type { DurationCriteria } from '../criteria.js';
import { numberField, type PartnerData } from '../types.js';
import { classified, insufficient, type Basis } from './common.js';

/** Classify the couple's duration of trying (from the female partner's intake). */
export function classifyInfertilityDuration(p: PartnerData, c: DurationCriteria): Classification {
  const basis: Basis = { id: 'infertility-duration', criterionSet: c.criterionSet, source: c.source };
  const rule = `trying ≥ ${c.months} months → infertile; from female age ${c.olderFromAge}, ≥ ${c.olderMonths} months`;
  const months = numberField(p, 'tryingMonths');
  const age = numberField(p, 'age');
  const inputs = { tryingMonths: months ?? null, age: age ?? null };
  if (months === undefined)
    return insufficient(basis, ['how long the couple has been trying (months)'], inputs, rule);
  if (months >= c.months) return classified(basis, 'infertile', inputs, rule);
  // Under the 12-month mark the answer depends on the female partner's age.
  if (months < c.olderMonths) return classified(basis, 'not-yet-infertile', inputs, rule);
  if (age === undefined)
    return insufficient(basis, ["female partner's age (6 months suffice from age 35)"], inputs, rule);
  return classified(basis, age >= c.olderFromAge ? 'infertile' : 'not-yet-infertile', inputs, rule);
}
