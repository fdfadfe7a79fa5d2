/**
 * @module pipeline/profile/classifiers/ovarian-reserve
 * `ovarian-reserve`: `low` when any marker of decreased reserve is present (AMH, AFC, day-3 FSH or
 * estradiol, thresholds in `clinical/criteria/ovarian-reserve.yaml`); `normal` when none is and
 * AMH or AFC is known. `high` is never assigned: no verified source defines it.
 */
import type { Classification } from '../../../domain/profile.js';
import type { OvarianReserveCriteria } from '../criteria.js';
import type { PartnerData } from '../types.js';
import { classified, insufficient, type Basis, type Inputs } from './common.js';
import { readingInput, readMarker, testThreshold, thresholdText, type MarkerReading } from './markers.js';

/** Classify the female partner's ovarian reserve. */
export function classifyOvarianReserve(p: PartnerData, c: OvarianReserveCriteria): Classification {
  const basis: Basis = { id: 'ovarian-reserve', criterionSet: c.criterionSet, source: c.source };
  const window = `cycle day ${c.earlyFollicularDays.min}–${c.earlyFollicularDays.max}`;
  const rule =
    'low if any of: ' +
    c.lowMarkers
      .map((m) => thresholdText(m.name, m.threshold) + (m.earlyFollicularOnly ? ` (${window})` : ''))
      .join('; ') +
    `; normal when none is low and ${c.normalNeedsOneOf.join(' or ')} is known; "high" is not assigned (no verified criterion)`;
  const inputs: Inputs = {};
  const low: string[] = [];
  const undecided: string[] = [];
  const notes: string[] = [];
  const known = new Set<string>();
  for (const m of c.lowMarkers) {
    let r: MarkerReading | undefined = readMarker(p, m);
    if (r && m.earlyFollicularOnly) {
      const day = r.observation?.cycleDay;
      if (day === undefined || day < c.earlyFollicularDays.min || day > c.earlyFollicularDays.max) {
        notes.push(
          `${m.name} not used: it is read for reserve only when drawn on ${window}` +
            (day === undefined ? ' and no cycle day was given' : ` (drawn on day ${day})`),
        );
        r = undefined;
      }
    }
    inputs[m.name] = readingInput(r);
    if (!r) continue;
    if (r.observation?.flag === 'high' && !m.earlyFollicularOnly) {
      notes.push(
        `${m.name} is above the laboratory's reference range; "high" reserve is not assigned because no verified criterion defines it`,
      );
    }
    const t = testThreshold(r, m.threshold);
    if (t === true) low.push(thresholdText(m.name, m.threshold));
    else if (t === null) undecided.push(m.name);
    else known.add(m.name);
  }
  const extra = notes.length ? { notes } : {};
  if (low.length > 0) return classified(basis, 'low', inputs, `${rule}. Met: ${low.join('; ')}`, extra);
  if (undecided.length > 0) {
    return insufficient(
      basis,
      undecided.map(
        (n) => `${n} as an exact value (a censored result cannot be compared with the threshold)`,
      ),
      inputs,
      rule,
      extra,
    );
  }
  if (c.normalNeedsOneOf.some((n) => known.has(n))) return classified(basis, 'normal', inputs, rule, extra);
  return insufficient(basis, [`${c.normalNeedsOneOf.join(' or ')} (female partner)`], inputs, rule, extra);
}
