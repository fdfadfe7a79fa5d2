/**
 * @module pipeline/profile/classifiers/common
 * Building blocks shared by the classifiers: one constructor for a classification so that every
 * result carries the same fields (value, inputs, rule, source, criterion set), and the
 * `insufficient-data` form that must say what is needed.
 */
import type { ClassificationId } from '../../../domain/facts.js';
import type { Classification, CriterionSet } from '../../../domain/profile.js';
import type { TracedSource } from '../../../domain/source.js';

export type Inputs = Record<string, number | string | boolean | null>;

export interface Basis {
  id: ClassificationId;
  criterionSet: CriterionSet;
  source: TracedSource;
}

export interface Extra {
  notes?: string[];
  subgroup?: string;
  additionalSources?: TracedSource[];
}

/** A made classification. */
export function classified(
  basis: Basis,
  value: string,
  inputs: Inputs,
  rule: string,
  extra: Extra = {},
): Classification {
  const c: Classification = {
    id: basis.id,
    value,
    inputs,
    rule,
    source: basis.source,
    criterionSet: basis.criterionSet,
  };
  if (extra.notes?.length) c.notes = extra.notes;
  if (extra.subgroup !== undefined) c.subgroup = extra.subgroup;
  if (extra.additionalSources?.length) c.additionalSources = extra.additionalSources;
  return c;
}

/** A classification that could not be made, with what would make it. */
export function insufficient(
  basis: Basis,
  need: string[],
  inputs: Inputs,
  rule: string,
  extra: Extra = {},
): Classification {
  if (need.length === 0) throw new Error(`${basis.id}: insufficient-data must name what is needed`);
  return { ...classified(basis, 'insufficient-data', inputs, rule, extra), need };
}

/** Round for display in `inputs` (the classification itself uses the unrounded value). */
export const round1 = (x: number): number => Math.round(x * 10) / 10;
