/**
 * @module pipeline/profile/classifiers/thyroid
 * `thyroid` and `thyroid-autoimmunity`. TSH and free T4 are judged against the laboratory's own
 * reference limits (flag or range); when no TSH range is given, only "above the upper limit" can
 * be decided, with ASRM 2015's typical non-pregnant upper limit (`fallbackTshUpper`). TPO-Ab
 * positivity is assay-specific: the lab's flag decides.
 */
import type { Classification, ProfileObservation } from '../../../domain/profile.js';
import { satisfies, quantityText } from '../compare.js';
import type { ThyroidCriteria } from '../criteria.js';
import type { PartnerData } from '../types.js';
import { classified, insufficient, type Basis, type Inputs } from './common.js';

type Level = 'low' | 'normal' | 'high';

const obsInput = (o: ProfileObservation | undefined) =>
  o
    ? `${quantityText({ value: o.value, comparator: o.comparator })} ${o.unit}${o.flag ? ` (${o.flag})` : ' (no lab range)'}`
    : null;

/** Classify thyroid function (female partner). */
export function classifyThyroid(p: PartnerData, c: ThyroidCriteria): Classification {
  const basis: Basis = { id: 'thyroid', criterionSet: c.criterionSet, source: c.source };
  const fb = c.fallbackTshUpper;
  const rule =
    "TSH and free T4 against the laboratory's reference limits: TSH above the upper limit with normal FT4 → subclinical " +
    'hypothyroidism; with low FT4 → overt hypothyroidism; TSH below the lower limit with high FT4 → hyperthyroidism, with ' +
    `normal FT4 → subclinical hyperthyroidism; TSH within limits → euthyroid. Without a TSH range, TSH > ${fb.value} ${fb.unit} ` +
    '(ASRM 2015: the non-pregnant upper limit is typically 4) counts as above the upper limit; a lower TSH cannot be judged without the range';
  const tsh = p.observations.get(c.tshAnalyte);
  const ft4 = p.observations.get(c.ft4Analyte);
  const inputs: Inputs = { tsh: obsInput(tsh), freeT4: obsInput(ft4) };
  if (!tsh) return insufficient(basis, ['TSH (with the laboratory reference range)'], inputs, rule);
  let tshLevel: Level | undefined = tsh.flag ?? undefined;
  const notes: string[] = [];
  if (tshLevel === undefined) {
    if (tsh.unit !== fb.unit) throw new Error(`unit mismatch: TSH in ${tsh.unit}, fallback in ${fb.unit}`);
    if (satisfies({ value: tsh.value, comparator: tsh.comparator }, 'gt', fb.value) === true) {
      tshLevel = 'high';
      notes.push(
        `no laboratory range for TSH: ASRM's typical non-pregnant upper limit (${fb.value} ${fb.unit}) was applied`,
      );
    } else {
      return insufficient(
        basis,
        ["the laboratory's TSH reference range (a low TSH cannot be excluded without it)"],
        inputs,
        rule,
      );
    }
  }
  const ft4Level: Level | undefined = ft4?.flag ?? undefined;
  const ft4Need = ['free T4 with the laboratory reference range'];
  const extra = notes.length ? { notes } : {};
  switch (tshLevel) {
    case 'normal':
      if (ft4Level === 'low' || ft4Level === 'high') {
        return insufficient(
          basis,
          ['clinical review: free T4 outside its range with a normal TSH fits none of these categories'],
          inputs,
          rule,
          extra,
        );
      }
      return classified(basis, 'euthyroid', inputs, rule, extra);
    case 'high':
      if (ft4Level === 'normal') return classified(basis, 'subclinical-hypothyroidism', inputs, rule, extra);
      if (ft4Level === 'low') return classified(basis, 'overt-hypothyroidism', inputs, rule, extra);
      if (ft4Level === 'high') {
        return insufficient(
          basis,
          ['clinical review: raised TSH with raised free T4 fits none of these categories'],
          inputs,
          rule,
          extra,
        );
      }
      return insufficient(basis, ft4Need, inputs, rule, extra);
    case 'low':
      if (ft4Level === 'high') return classified(basis, 'hyperthyroidism', inputs, rule, extra);
      if (ft4Level === 'normal') return classified(basis, 'subclinical-hyperthyroidism', inputs, rule, extra);
      if (ft4Level === 'low') {
        return insufficient(
          basis,
          ['clinical review: low TSH with low free T4 fits none of these categories'],
          inputs,
          rule,
          extra,
        );
      }
      return insufficient(basis, ft4Need, inputs, rule, extra);
  }
}

/** Classify thyroid autoimmunity from the laboratory's anti-TPO flag (female partner). */
export function classifyThyroidAutoimmunity(p: PartnerData, c: ThyroidCriteria): Classification {
  const basis: Basis = {
    id: 'thyroid-autoimmunity',
    criterionSet: c.autoimmunity.criterionSet,
    source: c.source,
  };
  const rule = `${c.autoimmunity.analyte} above the laboratory's own cut-off (flag or range) → present; within it → absent. The positivity cut-off is assay-specific; no universal number is used`;
  const o = p.observations.get(c.autoimmunity.analyte);
  const inputs: Inputs = { [c.autoimmunity.analyte]: obsInput(o) };
  if (!o)
    return insufficient(
      basis,
      [`${c.autoimmunity.analyte} (TPO antibodies) with the laboratory's cut-off`],
      inputs,
      rule,
    );
  if (o.flag === 'high') return classified(basis, 'present', inputs, rule);
  if (o.flag === 'normal' || o.flag === 'low') return classified(basis, 'absent', inputs, rule);
  return insufficient(
    basis,
    [`the laboratory's cut-off or flag for ${c.autoimmunity.analyte} (assay-specific)`],
    inputs,
    rule,
  );
}
