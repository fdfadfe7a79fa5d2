/**
 * @module pipeline/profile/flags
 * Lifestyle flags: a modifiable factor is flagged only when a verified source gives the threshold
 * (`clinical/criteria/lifestyle.yaml`); every flag carries its rule and source. Factors with no
 * verified threshold are listed as limitations, never flagged by a number of our own.
 */
import type { LifestyleFlag } from '../../domain/profile.js';
import { satisfies } from './compare.js';
import type { FlagCondition, LifestyleCriteria } from './criteria.js';
import type { FieldValue, ProfileInput } from './types.js';

function raised(v: FieldValue, cond: FlagCondition): boolean {
  if ('in' in cond) return typeof v === 'string' && cond.in.includes(v);
  if (typeof v !== 'number') return false;
  if ('anyOf' in cond) return cond.anyOf.some((t) => satisfies({ value: v }, t.op, t.value) === true);
  return satisfies({ value: v }, cond.op, cond.value) === true;
}

/** The raised lifestyle flags of both partners. */
export function lifestyleFlags(input: ProfileInput, c: LifestyleCriteria): LifestyleFlag[] {
  return c.flags.flatMap((f) => {
    const v = input[f.partner].fields.get(f.field);
    if (v === undefined || !raised(v, f.raisedWhen)) return [];
    const shown = typeof v === 'number' && f.field === 'bmi' ? Math.floor(v * 100) / 100 : v;
    return [
      {
        id: f.id,
        partner: f.partner,
        factor: f.factor,
        severity: 'modifiable',
        inputs: { [f.field]: shown },
        rule: f.rule,
        source: f.source,
      },
    ];
  });
}

/** What the flags deliberately do not assess, in words, for the profile's limitations. */
export function flagLimitations(c: LifestyleCriteria): string[] {
  return c.notFlagged.map((n) => `Not flagged: ${n.factor} - ${n.reason}`);
}
