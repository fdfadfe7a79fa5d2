/**
 * @module pipeline/profile/classifiers/markers
 * Reading a criteria "marker" (a canonical lab value named by analyte id, or an intake field) for
 * one partner, and testing it against its threshold with censoring respected.
 */
import type { ProfileObservation } from '../../../domain/profile.js';
import { opText, quantityText, satisfies, type Quantity } from '../compare.js';
import type { Threshold } from '../criteria.js';
import { numberField, type PartnerData } from '../types.js';

export interface MarkerSpec {
  name: string;
  analyte?: string | undefined;
  field?: string | undefined;
}

export interface MarkerReading {
  quantity: Quantity;
  observation?: ProfileObservation;
}

/** The partner's value for a marker, or undefined when the intake does not have it. */
export function readMarker(p: PartnerData, m: MarkerSpec): MarkerReading | undefined {
  if (m.analyte !== undefined) {
    const o = p.observations.get(m.analyte);
    return o ? { quantity: { value: o.value, comparator: o.comparator }, observation: o } : undefined;
  }
  if (m.field !== undefined) {
    const v = numberField(p, m.field);
    return v === undefined ? undefined : { quantity: { value: v } };
  }
  return undefined;
}

/**
 * Test a reading against a threshold. A lab value in another unit than the threshold's is a bug
 * upstream (observations are canonical); it is refused rather than compared.
 */
export function testThreshold(r: MarkerReading, t: Threshold): boolean | null {
  if (r.observation && r.observation.unit !== t.unit) {
    throw new Error(
      `unit mismatch: ${r.observation.analyte} is in ${r.observation.unit}, threshold in ${t.unit}`,
    );
  }
  return satisfies(r.quantity, t.op, t.value);
}

/** "AMH < 1.0 ng/mL" */
export function thresholdText(name: string, t: Threshold): string {
  const unit = t.unit === 'a' ? ' years' : t.unit === 'follicles' ? '' : ` ${t.unit}`;
  return `${name} ${opText(t.op)} ${t.value}${unit}`;
}

/** The value for `inputs`. */
export function readingInput(r: MarkerReading | undefined): number | string | null {
  return r ? quantityText(r.quantity) : null;
}
