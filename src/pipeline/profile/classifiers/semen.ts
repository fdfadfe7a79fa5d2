/**
 * @module pipeline/profile/classifiers/semen
 * `semen-who2021`: WHO semen categories - `azoospermia` (no spermatozoa), `normozoospermia`, or
 * the joined prefixes of the measures below their lower reference limits (`oligo`, `astheno`,
 * `terato` + `zoospermia`). WHO 2021 limits by default, WHO 2010 as an option. All limits,
 * prefixes and which measure each prefix reads are data (`clinical/criteria/semen.yaml`).
 */
import type { Classification } from '../../../domain/profile.js';
import { satisfies, quantityText, type Quantity } from '../compare.js';
import type { SemenCriteria } from '../criteria.js';
import type { PartnerData } from '../types.js';
import { classified, insufficient, type Basis, type Inputs } from './common.js';

interface Measured {
  analyte: string;
  quantity: Quantity;
  derived: boolean;
}

function measure(p: PartnerData, term: SemenCriteria['terms'][number]): Measured | undefined {
  for (const a of term.analytes) {
    const o = p.observations.get(a);
    if (o) return { analyte: a, quantity: { value: o.value, comparator: o.comparator }, derived: false };
    if (term.derive?.analyte === a) {
      const [x, y] = term.derive.product.map((id) => p.observations.get(id));
      if (x && y && !x.comparator && !y.comparator)
        return { analyte: a, quantity: { value: x.value * y.value }, derived: true };
    }
  }
  return undefined;
}

/** Classify the male partner's semen analysis. */
export function classifySemen(
  p: PartnerData,
  c: SemenCriteria,
  reference: 'who2021' | 'who2010' = c.defaultReference,
): Classification {
  const ref = c.references[reference];
  const basis: Basis = { id: 'semen-who2021', criterionSet: ref.criterionSet, source: ref.source };
  const limit = (a: string) => {
    const l = ref.limits[a];
    if (!l) throw new Error(`semen criteria: no ${reference} limit for ${a}`);
    return l;
  };
  const termText = c.terms
    .map(
      (t) =>
        `${t.prefix}- if ${t.analytes.map((a) => `${a} < ${limit(a).value} ${limit(a).unit}`).join(' (or, if absent, ')}${t.analytes.length > 1 ? ')' : ''}`,
    )
    .join('; ');
  const rule =
    `${ref.criterionSet.name}: azoospermia when ${c.azoospermiaAnalytes.join(' or ')} is 0; otherwise ${termText}; ` +
    `the prefixes below their lower reference limit are joined before "zoospermia", none → normozoospermia. ` +
    `Total count is volume × concentration when not given`;
  const inputs: Inputs = { reference };
  for (const a of c.azoospermiaAnalytes) {
    const o = p.observations.get(a);
    if (o && o.value === 0 && !o.comparator) {
      inputs[a] = 0;
      return classified(basis, 'azoospermia', inputs, rule);
    }
  }
  const abnormal: string[] = [];
  const missing: string[] = [];
  const undecided: string[] = [];
  const used = new Set<string>();
  for (const term of c.terms) {
    const m = measure(p, term);
    if (!m) {
      missing.push(term.analytes.join(' or '));
      continue;
    }
    const l = limit(m.analyte);
    const o = p.observations.get(m.analyte);
    if (o && o.unit !== l.unit)
      throw new Error(`unit mismatch: ${m.analyte} in ${o.unit}, limit in ${l.unit}`);
    used.add(m.analyte);
    inputs[m.derived ? `${m.analyte} (derived)` : m.analyte] = quantityText(m.quantity);
    const below = satisfies(m.quantity, 'lt', l.value);
    if (below === true) abnormal.push(term.prefix);
    else if (below === null) undecided.push(m.analyte);
  }
  const notes: string[] = [];
  for (const [a, l] of Object.entries(ref.limits)) {
    const o = p.observations.get(a);
    if (!o || used.has(a)) continue;
    inputs[a] = quantityText({ value: o.value, comparator: o.comparator });
    if (
      o.unit === l.unit &&
      satisfies({ value: o.value, comparator: o.comparator }, 'lt', l.value) === true
    ) {
      notes.push(`${a} ${o.value} ${o.unit} is below the lower reference limit (${l.value} ${l.unit})`);
    }
  }
  notes.push(
    'WHO limits are 5th centiles of men whose partners conceived within 12 months - reference limits, not fertility cut-offs',
  );
  if (missing.length || undecided.length) {
    const partial = abnormal.length ? [`measured so far: ${abnormal.join(', ')}- below the limit`] : [];
    return insufficient(
      basis,
      [
        ...missing.map((m) => `semen analysis: ${m}`),
        ...undecided.map((a) => `${a} as an exact value (censored result)`),
      ],
      inputs,
      rule,
      { notes: [...partial, ...notes] },
    );
  }
  const value = abnormal.length ? `${abnormal.join('')}zoospermia` : 'normozoospermia';
  return classified(basis, value, inputs, rule, { notes });
}
