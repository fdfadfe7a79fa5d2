/**
 * @module pipeline/rerank/applicability
 * Evaluates a knowledge entry's applicability conditions against a couple's profile facts with
 * three-valued logic: `met`, `not-met`, or `unknown` (a fact the profile does not have). Unknown is
 * never treated as false: the answer says which data would settle it (`missing`).
 *
 * Kleene logic: all(...) is not-met if any part is not-met, else unknown if any is unknown;
 * any(...) is met if any part is met, else unknown if any is unknown; not(x) swaps met/not-met.
 */
import type { Condition, FactCondition } from '../../domain/knowledge.js';
import { FACTS, type FactValue, type ProfileFacts } from '../../domain/facts.js';

export type Truth = 'met' | 'not-met' | 'unknown';

export interface Applicability {
  truth: Truth;
  /** Human reasons for conditions that were met (for `appliesBecause`). */
  because: string[];
  /** Reasons for conditions that were not met. */
  against: string[];
  /** Facts that were needed and absent, with what a person would provide. */
  missing: Array<{ fact: string; need: string }>;
}

function describe(c: FactCondition): string {
  if (c.label) return c.label;
  const v = Array.isArray(c.value) ? c.value.join('–') : String(c.value ?? '');
  const ops: Record<FactCondition['op'], string> = {
    eq: '=',
    ne: '≠',
    in: 'in',
    nin: 'not in',
    lt: '<',
    lte: '≤',
    gt: '>',
    gte: '≥',
    between: 'between',
    exists: 'known',
  };
  return c.op === 'exists' ? `${c.fact} known` : `${c.fact} ${ops[c.op]} ${v}`;
}

function needFor(fact: string): string {
  const def = FACTS[fact];
  if (def) return def.need;
  const lab = /^(female|male)\.lab\.(.+)$/.exec(fact);
  if (lab) return `${lab[1]} partner's ${lab[2]} result`;
  const flag = /^flag\.(.+)$/.exec(fact);
  if (flag) return `the information behind the ${flag[1]} flag`;
  return fact;
}

function compare(op: FactCondition['op'], actual: FactValue, expected: FactCondition['value']): boolean {
  switch (op) {
    case 'exists':
      return true;
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual);
    case 'nin':
      return Array.isArray(expected) && !expected.includes(actual);
    case 'lt':
      return typeof actual === 'number' && typeof expected === 'number' && actual < expected;
    case 'lte':
      return typeof actual === 'number' && typeof expected === 'number' && actual <= expected;
    case 'gt':
      return typeof actual === 'number' && typeof expected === 'number' && actual > expected;
    case 'gte':
      return typeof actual === 'number' && typeof expected === 'number' && actual >= expected;
    case 'between': {
      if (typeof actual !== 'number' || !Array.isArray(expected) || expected.length !== 2) return false;
      const [lo, hi] = expected as [number, number];
      return actual >= lo && actual <= hi;
    }
  }
}

function isFact(c: Condition): c is FactCondition {
  return 'fact' in c;
}

/** Evaluate `cond` (absent = applies to everyone) against the facts. */
export function evaluateApplicability(
  cond: Condition | undefined,
  facts: ProfileFacts | null,
): Applicability {
  const out: Applicability = { truth: 'met', because: [], against: [], missing: [] };
  if (!cond) return out;
  out.truth = evalNode(cond, facts ?? {}, out, false);
  return out;
}

/**
 * The truth `evaluateApplicability` would give, without its reasons: scans of every conditional
 * entry (recommend, profile-ranked retrieval) use it to skip the entries that do not apply without
 * building their reason strings. Short-circuits where the Kleene result is already settled.
 */
export function applicabilityTruth(cond: Condition | undefined, facts: ProfileFacts | null): Truth {
  return cond ? truthOf(cond, facts ?? {}) : 'met';
}

function truthOf(c: Condition, facts: ProfileFacts): Truth {
  if (isFact(c)) {
    const actual = facts[c.fact];
    if (actual === undefined) return 'unknown';
    return compare(c.op, actual, c.value) ? 'met' : 'not-met';
  }
  if ('all' in c) {
    let unknown = false;
    for (const x of c.all) {
      const t = truthOf(x, facts);
      if (t === 'not-met') return 'not-met';
      if (t === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : 'met';
  }
  if ('any' in c) {
    let unknown = false;
    for (const x of c.any) {
      const t = truthOf(x, facts);
      if (t === 'met') return 'met';
      if (t === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : 'not-met';
  }
  const inner = truthOf(c.not, facts);
  return inner === 'unknown' ? 'unknown' : inner === 'met' ? 'not-met' : 'met';
}

function evalNode(c: Condition, facts: ProfileFacts, acc: Applicability, negated: boolean): Truth {
  if (isFact(c)) {
    const actual = facts[c.fact];
    if (actual === undefined) {
      if (!acc.missing.some((m) => m.fact === c.fact))
        acc.missing.push({ fact: c.fact, need: needFor(c.fact) });
      return 'unknown';
    }
    const ok = compare(c.op, actual, c.value);
    // Under `not`, a met inner condition argues against the entry and vice versa.
    const text = describe(c);
    if (ok !== negated) acc.because.push(negated ? `not: ${text}` : text);
    else acc.against.push(negated ? `not: ${text}` : text);
    return ok ? 'met' : 'not-met';
  }
  if ('all' in c) {
    const parts = c.all.map((x) => evalNode(x, facts, acc, negated));
    if (parts.includes('not-met')) return 'not-met';
    return parts.includes('unknown') ? 'unknown' : 'met';
  }
  if ('any' in c) {
    const parts = c.any.map((x) => evalNode(x, facts, acc, negated));
    if (parts.includes('met')) return 'met';
    return parts.includes('unknown') ? 'unknown' : 'not-met';
  }
  const inner = evalNode(c.not, facts, acc, !negated);
  return inner === 'unknown' ? 'unknown' : inner === 'met' ? 'not-met' : 'met';
}
