/**
 * @module pipeline/profile/classifiers/prolactin
 * `prolactin`: raised when above the laboratory's own upper reference limit (Endocrine Society
 * 2011: a single value above the upper limit confirms hyperprolactinaemia). No universal number.
 */
import type { Classification } from '../../../domain/profile.js';
import { quantityText } from '../compare.js';
import type { ProlactinCriteria } from '../criteria.js';
import type { PartnerData } from '../types.js';
import { classified, insufficient, type Basis } from './common.js';

/** Classify one partner's prolactin (the profile uses the female partner's). */
export function classifyProlactin(p: PartnerData, c: ProlactinCriteria): Classification {
  const basis: Basis = { id: 'prolactin', criterionSet: c.criterionSet, source: c.source };
  const rule = `${c.analyte} above the laboratory's own upper reference limit (flag or range) → raised; within it → normal`;
  const o = p.observations.get(c.analyte);
  const inputs = {
    [c.analyte]: o ? `${quantityText({ value: o.value, comparator: o.comparator })} ${o.unit}` : null,
    flag: o?.flag ?? null,
    upperLimit: o?.referenceRange?.high ?? null,
  };
  if (!o)
    return insufficient(basis, [`serum ${c.analyte} with the laboratory reference range`], inputs, rule);
  if (o.flag === 'high') return classified(basis, 'raised', inputs, rule, { notes: [c.note] });
  if (o.flag === 'normal' || o.flag === 'low') return classified(basis, 'normal', inputs, rule);
  return insufficient(
    basis,
    [`the laboratory's reference range or flag for ${c.analyte} (no universal limit exists)`],
    inputs,
    rule,
  );
}
