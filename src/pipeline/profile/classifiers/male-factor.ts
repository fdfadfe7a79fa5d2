/**
 * @module pipeline/profile/classifiers/male-factor
 * `male-factor`: present when the semen classification is anything but normozoospermia (a measure
 * below its WHO lower reference limit, or azoospermia); absent when normozoospermic.
 */
import type { Classification } from '../../../domain/profile.js';
import type { CoupleCriteria } from '../criteria.js';
import { classified, insufficient, type Basis } from './common.js';

/** Summarise the male factor from the semen classification. */
export function classifyMaleFactor(semen: Classification, c: CoupleCriteria): Classification {
  const basis: Basis = { id: 'male-factor', criterionSet: semen.criterionSet, source: semen.source };
  const rule = `present when ${c.maleFactor.classification} is not ${c.maleFactor.absentWhen.join(' or ')}; absent when it is`;
  const inputs = { [c.maleFactor.classification]: semen.value };
  const notes = [c.maleFactor.note];
  if (semen.value === 'insufficient-data')
    return insufficient(basis, semen.need ?? ['a complete semen analysis'], inputs, rule, { notes });
  const absent = c.maleFactor.absentWhen.includes(semen.value);
  return classified(basis, absent ? 'absent' : 'present', inputs, rule, { notes });
}
