import { describe, expect, it } from 'vitest';
import type { Condition } from '../../domain/knowledge.js';
import { evaluateApplicability } from './applicability.js';

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
