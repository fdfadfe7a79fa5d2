/**
 * @module pipeline/profile/facts
 * `profileFacts(profile)`: the flat fact map that knowledge-entry applicability conditions test
 * (`domain/facts`). Only facts the profile actually knows are present - an absent fact is
 * unknown, never false: `insufficient-data` classifications and censored lab values (`<0.03`)
 * give no fact.
 */
import { FACTS, type FactValue, type ProfileFacts } from '../../domain/facts.js';
import type { CoupleProfile } from '../../domain/profile.js';

function typeOk(key: string, v: FactValue): boolean {
  const def = FACTS[key];
  if (!def || typeof v !== def.type) return false;
  return def.values === undefined || def.values.includes(String(v));
}

/** The profile's facts: partner values, `class.<id>`, `female.lab.<analyte>` / `male.lab.<analyte>`, `flag.<id>`. */
export function profileFacts(profile: CoupleProfile): ProfileFacts {
  const out: Record<string, FactValue> = {};
  for (const partner of ['female', 'male'] as const) {
    for (const [k, v] of Object.entries(profile.partners[partner])) {
      const key = `${partner}.${k}`;
      if (typeOk(key, v)) out[key] = v;
    }
    for (const o of profile.observations[partner]) {
      if (o.comparator === undefined) out[`${partner}.lab.${o.analyte}`] = o.value;
    }
  }
  for (const c of profile.classifications) {
    if (c.value !== 'insufficient-data' && typeOk(`class.${c.id}`, c.value)) out[`class.${c.id}`] = c.value;
  }
  for (const f of profile.flags) out[`flag.${f.id}`] = true;
  return out;
}
