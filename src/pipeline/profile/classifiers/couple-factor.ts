/**
 * @module pipeline/profile/classifiers/couple-factor
 * `couple-factor`: female factor, male factor, both, or unexplained - unexplained only when every
 * work-up item of `clinical/criteria/couple.yaml` is settled and found nothing. Returns the
 * classification and the couple summary with the reasons and the incomplete work-up.
 */
import type { Classification, CoupleSummary } from '../../../domain/profile.js';
import type { CoupleCriteria } from '../criteria.js';
import type { FieldValue, PartnerData } from '../types.js';
import { classified, insufficient, type Basis } from './common.js';

type Lookup = (id: string) => Classification | undefined;

function valueOf(
  female: PartnerData,
  classes: Lookup,
  check: { field?: string | undefined; classification?: string | undefined },
): FieldValue | undefined {
  if (check.field !== undefined) return female.fields.get(check.field);
  if (check.classification !== undefined) return classes(check.classification)?.value;
  return undefined;
}

/** Classify the couple and build the couple summary. */
export function classifyCouple(
  female: PartnerData,
  maleFactor: Classification,
  classes: Lookup,
  c: CoupleCriteria,
): { classification: Classification; summary: CoupleSummary } {
  const basis: Basis = { id: 'couple-factor', criterionSet: c.criterionSet, source: c.source };
  const femaleFactors = c.femaleFactors.flatMap((f) => {
    const v = valueOf(female, classes, f);
    return v !== undefined && f.values.includes(v)
      ? [{ factor: f.factor, because: `${f.field ?? f.classification} = ${String(v)}` }]
      : [];
  });
  const maleFactors =
    maleFactor.value === 'present'
      ? [
          {
            factor: 'male factor',
            because: `male-factor = present (${String(maleFactor.inputs[c.maleFactor.classification])})`,
          },
        ]
      : [];
  const incompleteWorkUp = c.workUp
    .filter(
      (w) =>
        !w.anyOf.some((chk) => {
          const v = valueOf(female, classes, chk);
          return v !== undefined && !(chk.notIn ?? []).includes(v);
        }),
    )
    .map((w) => w.item);
  const rule =
    'female factor if any of: ' +
    c.femaleFactors.map((f) => `${f.factor}`).join(', ') +
    '; male factor if male-factor is present; both if both; unexplained only when neither is found and the work-up is complete (' +
    c.workUp.map((w) => w.item).join('; ') +
    `). Not assessed by the engine: ${c.notAssessedByEngine.join(', ')}`;
  const inputs = {
    femaleFactors: femaleFactors.map((f) => f.factor).join(', ') || null,
    maleFactor: maleFactor.value,
    incompleteWorkUp: incompleteWorkUp.join(', ') || null,
  };
  const summaryBase = {
    femaleFactors,
    maleFactors,
    incompleteWorkUp,
    notAssessedByEngine: c.notAssessedByEngine,
  };
  let value: CoupleSummary['value'];
  if (femaleFactors.length && maleFactors.length) value = 'both';
  else if (femaleFactors.length) value = 'female-factor';
  else if (maleFactors.length) value = 'male-factor';
  else if (incompleteWorkUp.length === 0 && maleFactor.value === 'absent') value = 'unexplained';
  else value = 'insufficient-data';
  const notes: string[] = [];
  if (value === 'unexplained') {
    notes.push(
      `"unexplained" is relative to the work-up the intake records; not assessed: ${c.notAssessedByEngine.join(', ')}`,
    );
  }
  if (value === 'female-factor' && maleFactor.value === 'insufficient-data') {
    notes.push('the male partner\'s semen analysis is incomplete, so "both" cannot be excluded');
  }
  if (value === 'male-factor' && incompleteWorkUp.length > 0) {
    notes.push(
      `the female partner's work-up is incomplete (${incompleteWorkUp.join('; ')}), so "both" cannot be excluded`,
    );
  }
  const classification =
    value === 'insufficient-data'
      ? insufficient(
          basis,
          [
            ...incompleteWorkUp,
            ...(maleFactor.value === 'insufficient-data' ? (maleFactor.need ?? []) : []),
          ].filter((x, i, a) => a.indexOf(x) === i),
          inputs,
          rule,
          { notes },
        )
      : classified(basis, value, inputs, rule, { notes });
  return { classification, summary: { value, ...summaryBase } };
}
