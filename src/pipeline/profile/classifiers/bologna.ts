/**
 * @module pipeline/profile/classifiers/bologna
 * `bologna-por`: ESHRE Bologna criteria - at least two of (i) age ≥ 40, (ii) a previous poor
 * response (≤ 3 oocytes), (iii) an abnormal ovarian reserve test (AFC < 5–7 or AMH < 0.7–1.3 ng/mL).
 * The consensus gives (iii) as ranges; a value inside a range is indeterminate, never rounded to
 * one side (values and policy in `clinical/criteria/bologna.yaml`).
 */
import type { Classification } from '../../../domain/profile.js';
import { satisfies } from '../compare.js';
import type { BolognaCriteria } from '../criteria.js';
import { numberField, type PartnerData } from '../types.js';
import { classified, insufficient, type Basis, type Inputs } from './common.js';
import { lowestPriorOocytes } from './poseidon.js';
import { readingInput, readMarker } from './markers.js';

type Feature = 'present' | 'absent' | 'indeterminate' | 'unknown';

/** Classify the female partner by the Bologna criteria. */
export function classifyBologna(p: PartnerData, c: BolognaCriteria): Classification {
  const basis: Basis = { id: 'bologna-por', criterionSet: c.criterionSet, source: c.source };
  const f = c.features;
  const { afc: afcR, amh: amhR } = f.abnormalOrt;
  const rule =
    `at least ${c.minFeatures} of: (i) age ≥ ${f.age.threshold.value} years; (ii) a previous poor response ` +
    `(≤ ${f.previousPoorResponse.maxOocytes} oocytes in an IVF/ICSI cycle); (iii) an abnormal ovarian reserve test, ` +
    `AFC < ${afcR.low}–${afcR.high} or AMH < ${amhR.low}–${amhR.high} ${amhR.unit}. The consensus gives ranges: ` +
    `AFC < ${afcR.low} or AMH < ${amhR.low} is abnormal for any cut-off in the range, AFC ≥ ${afcR.high} or ` +
    `AMH ≥ ${amhR.high} is normal for any, and values inside are treated as indeterminate`;

  const age = numberField(p, 'age');
  const ageF: Feature =
    age === undefined
      ? 'unknown'
      : satisfies({ value: age }, f.age.threshold.op, f.age.threshold.value)
        ? 'present'
        : 'absent';

  const prior = lowestPriorOocytes(p);
  let porF: Feature;
  if (prior === undefined) porF = 'unknown';
  else if (prior.lowest === null) porF = prior.ivfEntries > 0 ? 'unknown' : 'absent';
  else porF = prior.lowest <= f.previousPoorResponse.maxOocytes ? 'present' : 'absent';

  const afc = readMarker(p, { name: 'AFC', field: 'afc' });
  const amh = readMarker(p, { name: 'AMH', analyte: amhR.analyte });
  if (amh?.observation && amh.observation.unit !== amhR.unit) {
    throw new Error(`unit mismatch: AMH in ${amh.observation.unit}, Bologna range in ${amhR.unit}`);
  }
  const rangeFeature = (r: typeof afc, low: number, high: number): Feature => {
    if (!r) return 'unknown';
    if (satisfies(r.quantity, 'lt', low) === true) return 'present';
    if (satisfies(r.quantity, 'gte', high) === true) return 'absent';
    return 'indeterminate';
  };
  const ortParts = [rangeFeature(afc, afcR.low, afcR.high), rangeFeature(amh, amhR.low, amhR.high)];
  const known = ortParts.filter((x) => x !== 'unknown');
  const ortF: Feature = ortParts.includes('present')
    ? 'present'
    : known.length === 0
      ? 'unknown'
      : known.includes('indeterminate')
        ? 'indeterminate'
        : 'absent';

  const inputs: Inputs = {
    age: age ?? null,
    lowestPriorOocytes: prior?.lowest ?? null,
    afc: readingInput(afc),
    amh: readingInput(amh),
    'feature.age': ageF,
    'feature.previousPoorResponse': porF,
    'feature.abnormalOrt': ortF,
  };
  const features = [ageF, porF, ortF];
  const present = features.filter((x) => x === 'present').length;
  const possible = features.filter((x) => x !== 'absent').length;
  if (present >= c.minFeatures) {
    const notes =
      porF !== 'present' && prior !== undefined && prior.ivfEntries === 0
        ? [
            'expected poor responder: age ≥ 40 with an abnormal ovarian reserve test and no stimulated cycle yet (by definition POR refers to a stimulated cycle)',
          ]
        : [];
    return classified(basis, 'meets', inputs, rule, { notes });
  }
  if (possible < c.minFeatures) return classified(basis, 'does-not-meet', inputs, rule);
  const need: string[] = [];
  if (ageF === 'unknown') need.push("female partner's age");
  if (porF === 'unknown') need.push('previous IVF/ICSI stimulation history with oocytes retrieved (or none)');
  if (ortF === 'unknown') need.push('an ovarian reserve test (AFC or AMH)');
  if (ortF === 'indeterminate') {
    need.push(
      `an ovarian reserve test outside the consensus range (AFC < ${afcR.low} or ≥ ${afcR.high}; AMH < ${amhR.low} or ≥ ${amhR.high} ${amhR.unit}); values inside it are indeterminate`,
    );
  }
  return insufficient(basis, need, inputs, rule);
}
