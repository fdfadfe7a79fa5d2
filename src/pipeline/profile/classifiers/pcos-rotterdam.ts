/**
 * @module pipeline/profile/classifiers/pcos-rotterdam
 * `pcos-rotterdam`: two of (1) ovulatory dysfunction, (2) clinical or biochemical
 * hyperandrogenism, (3) polycystic ovarian morphology - on ultrasound, or in adults, when no
 * ultrasound result is given, an AMH above the laboratory's range (the 2023 international
 * guideline's option; never both, never AMH in adolescents). The numeric AMH cut-off is
 * unverified, so "elevated" is the lab's own flag.
 */
import type { Classification } from '../../../domain/profile.js';
import type { PcosCriteria } from '../criteria.js';
import { numberField, type PartnerData } from '../types.js';
import { classified, insufficient, type Basis, type Inputs } from './common.js';

type Criterion = { state: 'present' | 'absent' | 'unknown'; how: string; need?: string };

function ovulatory(p: PartnerData, c: PcosCriteria): Criterion {
  const regular = p.fields.get('cycle.regular');
  const length = numberField(p, 'cycle.lengthDays');
  const { cycleShorterThan: lo, cycleLongerThan: hi } = c.ovulatoryDysfunction;
  const outside = length !== undefined && (length < lo || length > hi);
  if (regular === false) return { state: 'present', how: 'cycles reported irregular' };
  if (outside) return { state: 'present', how: `cycle length ${length} days (< ${lo} or > ${hi})` };
  if (regular === true || length !== undefined) return { state: 'absent', how: 'regular cycles' };
  return { state: 'unknown', how: 'cycle pattern not given', need: 'cycle regularity or usual cycle length' };
}

function hyperandrogenism(p: PartnerData, c: PcosCriteria): Criterion {
  const clinical = p.fields.get('history.hyperandrogenism');
  const labs = c.hyperandrogenism.biochemicalAnalytes
    .map((a) => p.observations.get(a))
    .filter((o) => o !== undefined);
  const high = labs.find((o) => o.flag === 'high');
  if (clinical === true) return { state: 'present', how: 'clinical hyperandrogenism reported' };
  if (high) return { state: 'present', how: `${high.analyte} above the laboratory's range` };
  const unflagged = labs.some((o) => o.flag === null);
  const biochemNormal = labs.length > 0 && !unflagged;
  if (clinical === false && biochemNormal)
    return { state: 'absent', how: 'no clinical signs; androgens within the laboratory range' };
  const needs: string[] = [];
  if (clinical === undefined) needs.push('clinical signs of hyperandrogenism (hirsutism, acne)');
  if (labs.length === 0)
    needs.push(
      `${c.hyperandrogenism.biochemicalAnalytes.join(' or ')} with the laboratory's reference range`,
    );
  else if (unflagged) needs.push("the laboratory's reference range or flag for the androgen result");
  return { state: 'unknown', how: 'not settled', need: needs.join('; ') };
}

function pcom(p: PartnerData, c: PcosCriteria): Criterion {
  const us = p.fields.get('ovarianMorphology');
  if (us === 'polycystic') return { state: 'present', how: 'polycystic ovarian morphology on ultrasound' };
  if (us === 'normal')
    return { state: 'absent', how: 'normal ovarian morphology on ultrasound (AMH not used: never both)' };
  const amh = p.observations.get(c.pcom.amhAnalyte);
  const age = numberField(p, 'age');
  const adult = c.pcom.amhAdultFromAge;
  if (!amh)
    return {
      state: 'unknown',
      how: 'no ultrasound or AMH',
      need: 'ovarian morphology on ultrasound or, in adults, AMH with the laboratory range',
    };
  if (age === undefined)
    return {
      state: 'unknown',
      how: 'AMH given but age unknown',
      need: "female partner's age (AMH is not used in adolescents)",
    };
  if (age < adult) {
    return {
      state: 'unknown',
      how: `AMH not used under age ${adult} (not recommended in adolescents)`,
      need: 'ovarian morphology on ultrasound',
    };
  }
  if (amh.flag === 'high')
    return { state: 'present', how: "AMH above the laboratory's range (adult; no ultrasound given)" };
  if (amh.flag === 'normal' || amh.flag === 'low')
    return {
      state: 'absent',
      how: "AMH within or below the laboratory's range (adult; no ultrasound given)",
    };
  return {
    state: 'unknown',
    how: 'AMH without a laboratory range',
    need: "the laboratory's reference range or flag for AMH (the numeric AMH cut-off for PCOM is not verified), or an ultrasound",
  };
}

/** Classify the female partner by the Rotterdam criteria (2023 AMH option for adults). */
export function classifyPcos(p: PartnerData, c: PcosCriteria): Classification {
  const basis: Basis = { id: 'pcos-rotterdam', criterionSet: c.criterionSet, source: c.source };
  const rule =
    `at least ${c.minCriteria} of 3 after exclusion of mimicking disorders: (1) ovulatory dysfunction - irregular cycles reported, ` +
    `or cycle < ${c.ovulatoryDysfunction.cycleShorterThan} or > ${c.ovulatoryDysfunction.cycleLongerThan} days; ` +
    `(2) clinical hyperandrogenism, or ${c.hyperandrogenism.biochemicalAnalytes.join('/')} above the laboratory's range; ` +
    `(3) polycystic ovarian morphology on ultrasound, or - only when no ultrasound result is given and only from age ` +
    `${c.pcom.amhAdultFromAge} (this engine's definition of adult) - AMH above the laboratory's own range ` +
    `(2023 guideline option; the numeric AMH cut-off is not verified, so the lab's range decides; ultrasound and AMH are never combined)`;
  const parts = {
    ovulatoryDysfunction: ovulatory(p, c),
    hyperandrogenism: hyperandrogenism(p, c),
    pcom: pcom(p, c),
  };
  const inputs: Inputs = {
    'cycle.regular': (p.fields.get('cycle.regular') as boolean | undefined) ?? null,
    'cycle.lengthDays': numberField(p, 'cycle.lengthDays') ?? null,
    'history.hyperandrogenism': (p.fields.get('history.hyperandrogenism') as boolean | undefined) ?? null,
    ovarianMorphology: (p.fields.get('ovarianMorphology') as string | undefined) ?? null,
    age: numberField(p, 'age') ?? null,
  };
  for (const [k, v] of Object.entries(parts)) inputs[`criterion.${k}`] = `${v.state} (${v.how})`;
  const all = Object.values(parts);
  const present = all.filter((x) => x.state === 'present').length;
  const possible = all.filter((x) => x.state !== 'absent').length;
  const extra = { additionalSources: [c.guidelineSource, c.cycleSource] };
  if (present >= c.minCriteria)
    return classified(basis, 'meets', inputs, rule, { ...extra, notes: [c.exclusionsNote] });
  const diagnosed = p.fields.get('history.pcosDiagnosed') === true;
  if (possible < c.minCriteria) {
    const notes = diagnosed
      ? ['a previous PCOS diagnosis is recorded, but the criteria are not met by the data given']
      : [];
    return classified(basis, 'does-not-meet', inputs, rule, { ...extra, notes });
  }
  const need = all.flatMap((x) => (x.state === 'unknown' && x.need ? [x.need] : []));
  return insufficient(basis, need, inputs, rule, extra);
}
