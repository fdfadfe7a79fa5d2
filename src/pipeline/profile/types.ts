/**
 * @module pipeline/profile/types
 * What the classifiers read: per partner, the validated intake fields (flat dotted paths), the
 * latest canonical lab value per analyte, and the treatment history. Built once from the intake
 * by `intake.ts`; classifiers are pure functions of it and of their criteria data.
 */
import type { Treatment } from '../../domain/intake.js';
import type { ProfileObservation } from '../../domain/profile.js';

export type FieldValue = number | string | boolean;

export interface PartnerData {
  /** Whether the intake has this partner at all. */
  present: boolean;
  /** Intake values by dotted path inside the partner, e.g. `age`, `cycle.regular`, `lifestyle.smoking`, plus derived `bmi`. */
  fields: ReadonlyMap<string, FieldValue>;
  /** Latest canonical value per analyte id. */
  observations: ReadonlyMap<string, ProfileObservation>;
  /** Treatment history; `undefined` when the intake does not say (unknown), `[]` when it says none. */
  treatments: readonly Treatment[] | undefined;
}

export interface ProfileInput {
  female: PartnerData;
  male: PartnerData;
}

/** Options that select between published criterion sets. */
export interface ProfileOptions {
  /** Semen reference limits: WHO 2021 (default) or WHO 2010. */
  semenReference?: 'who2021' | 'who2010';
}

export function numberField(p: PartnerData, path: string): number | undefined {
  const v = p.fields.get(path);
  return typeof v === 'number' ? v : undefined;
}

export function emptyPartner(): PartnerData {
  return { present: false, fields: new Map(), observations: new Map(), treatments: undefined };
}
