import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../domain/knowledge.js';
import { applicabilityTruth, evaluateApplicability } from './applicability.js';

const under40: Condition = { fact: 'female.age', op: 'lt', value: 40, label: 'female age under 40' };
const infertile: Condition = { fact: 'class.infertility-duration', op: 'eq', value: 'infertile' };

describe('evaluateApplicability', () => {
  it('applies to everyone without conditions', () => {
    expect(evaluateApplicability(undefined, null).truth).toBe('met');
  });

  it.each([
    [{ 'female.age': 34 }, 'met'],
    [{ 'female.age': 40 }, 'not-met'],
    [{ 'female.age': 39.9 }, 'met'],
    [{}, 'unknown'],
  ] as const)('lt at the threshold: %o → %s', (facts, truth) => {
    expect(evaluateApplicability(under40, facts).truth).toBe(truth);
  });

  it('names the missing data', () => {
    const r = evaluateApplicability({ all: [under40, infertile] }, { 'female.age': 30 });
    expect(r.truth).toBe('unknown');
    expect(r.because).toEqual(['female age under 40']);
    expect(r.missing.map((m) => m.fact)).toEqual(['class.infertility-duration']);
    expect(r.missing[0]!.need).toMatch(/infertility-duration/);
  });

  it('uses Kleene logic for all/any/not', () => {
    expect(evaluateApplicability({ all: [under40, infertile] }, { 'female.age': 45 }).truth).toBe('not-met');
    expect(evaluateApplicability({ any: [under40, infertile] }, { 'female.age': 45 }).truth).toBe('unknown');
    expect(evaluateApplicability({ any: [under40, infertile] }, { 'female.age': 30 }).truth).toBe('met');
    expect(evaluateApplicability({ not: under40 }, { 'female.age': 30 }).truth).toBe('not-met');
    expect(evaluateApplicability({ not: under40 }, {}).truth).toBe('unknown');
  });

  it.each([
    ['in', ['a', 'b'], 'b', true],
    ['nin', ['a', 'b'], 'b', false],
    ['between', [1, 3], 3, true],
    ['between', [1, 3], 3.01, false],
    ['gte', 35, 35, true],
    ['gt', 35, 35, false],
    ['lte', 35, 35, true],
    ['ne', 'x', 'y', true],
    ['exists', undefined, 'anything', true],
    ['lt', 5, 'not-a-number', false],
  ] as const)('%s %o against %o → %s', (op, value, actual, ok) => {
    const c = { fact: 'x.y', op, ...(value === undefined ? {} : { value }) } as unknown as Condition;
    expect(evaluateApplicability(c, { 'x.y': actual as never }).truth).toBe(ok ? 'met' : 'not-met');
  });
});

describe('applicabilityTruth (the scans’ quick check)', () => {
  // Conditions over three facts, each of which a profile may have or lack, with every operator.
  const facts = ['a', 'b', 'c'] as const;
  const value = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom('x', 'y'), fc.boolean());
  const leaf: fc.Arbitrary<Condition> = fc.oneof(
    fc.record({
      fact: fc.constantFrom(...facts),
      op: fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'exists'),
      value,
    }),
    fc.record({
      fact: fc.constantFrom(...facts),
      op: fc.constantFrom('in', 'nin'),
      value: fc.array(value, { maxLength: 3 }),
    }),
    fc.record({
      fact: fc.constantFrom(...facts),
      op: fc.constant('between'),
      value: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
    }),
  ) as fc.Arbitrary<Condition>;
  const condition = fc.letrec<{ node: Condition }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ not: tie('node') }),
    ) as fc.Arbitrary<Condition>,
  })).node;
  const profile = fc.record({ a: value, b: value, c: value }, { requiredKeys: [] });

  it('gives the same truth as evaluateApplicability for any condition and profile', () => {
    fc.assert(
      fc.property(condition, profile, (cond, f) => {
        expect(applicabilityTruth(cond, f)).toBe(evaluateApplicability(cond, f).truth);
      }),
      { numRuns: 3000 },
    );
    expect(applicabilityTruth(undefined, null)).toBe('met');
  });
});
