/**
 * @module pipeline/profile/classifiers/female-age-band
 * `female-age-band`: the female partner's age against the cited thresholds of
 * `clinical/criteria/age-bands.yaml` (35, 40, 43).
 */
import type { Classification } from '../../../domain/profile.js';
import type { AgeBandCriteria } from '../criteria.js';
import { numberField, type PartnerData } from '../types.js';
import { classified, insufficient, type Basis } from './common.js';

/** Classify the female partner's age band. */
export function classifyFemaleAgeBand(p: PartnerData, c: AgeBandCriteria): Classification {
  const basis: Basis = { id: 'female-age-band', criterionSet: c.criterionSet, source: c.source };
  const rule = c.bands
    .map((b) =>
      b.below === undefined ? `${b.value} otherwise` : `${b.value} if age < ${b.below} (${b.why})`,
    )
    .join('; ');
  const age = numberField(p, 'age');
  const extra = { additionalSources: c.additionalSources };
  if (age === undefined) return insufficient(basis, ["female partner's age"], { age: null }, rule, extra);
  const band = c.bands.find((b) => b.below === undefined || age < b.below)!;
  return classified(basis, band.value, { age }, rule, extra);
}
