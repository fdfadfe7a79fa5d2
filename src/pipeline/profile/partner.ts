/**
 * @module pipeline/profile/partner
 * Building the classifiers' view of one partner (`PartnerData`) from intake values: nested intake
 * objects are flattened to dotted paths (`cycle.regular`, `lifestyle.smoking`), arrays are kept
 * apart (labs become observations, treatments stay a list).
 */
import type { Treatment } from '../../domain/intake.js';
import type { ProfileObservation } from '../../domain/profile.js';
import type { FieldValue, PartnerData } from './types.js';

/** Flatten primitive values of a nested object into dotted paths; arrays are skipped. */
export function flattenFields(
  obj: Readonly<Record<string, unknown>>,
  prefix = '',
  out = new Map<string, FieldValue>(),
): Map<string, FieldValue> {
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out.set(path, v);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      flattenFields(v as Record<string, unknown>, path, out);
  }
  return out;
}

export interface PartnerParts {
  present?: boolean;
  fields?: Readonly<Record<string, unknown>>;
  /** Already selected: at most one observation per analyte (the latest). */
  observations?: readonly ProfileObservation[];
  treatments?: readonly Treatment[];
}

/** Assemble a `PartnerData`. */
export function partnerData(parts: PartnerParts): PartnerData {
  const observations = new Map<string, ProfileObservation>();
  for (const o of parts.observations ?? []) {
    if (observations.has(o.analyte))
      throw new Error(`partnerData: two observations for ${o.analyte}; select the latest first`);
    observations.set(o.analyte, o);
  }
  return {
    present: parts.present ?? true,
    fields: flattenFields(parts.fields ?? {}),
    observations,
    treatments: parts.treatments,
  };
}

/** A canonical observation as the profile keeps it; `from` says where in the intake it came from. */
export function observationOf(
  analyte: string,
  value: number,
  unit: string,
  extra: Partial<Omit<ProfileObservation, 'analyte' | 'value' | 'unit'>> = {},
): ProfileObservation {
  return {
    analyte,
    value,
    unit,
    flag: null,
    referenceRange: null,
    from: extra.from ?? 'intake',
    original: extra.original ?? { value: String(value), unit },
    ...extra,
  };
}
