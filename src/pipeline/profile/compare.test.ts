import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { satisfies, type Op } from './compare.js';

const native: Record<Op, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

describe('satisfies', () => {
  test.each([
    // exact values behave like plain comparison, at and around the threshold
    [{ value: 0.99 }, 'lt', 1, true],
    [{ value: 1 }, 'lt', 1, false],
    [{ value: 1 }, 'lte', 1, true],
    [{ value: 1.01 }, 'gt', 1, true],
    [{ value: 1 }, 'gte', 1, true],
    // censored values: decided only when every value they stand for agrees
    [{ value: 0.5, comparator: '<' }, 'lt', 1, true],
    [{ value: 1, comparator: '<' }, 'lt', 1, true],
    [{ value: 1, comparator: '<=' }, 'lt', 1, null],
    [{ value: 1.5, comparator: '<' }, 'lt', 1, null],
    [{ value: 1, comparator: '<' }, 'gte', 1, false],
    [{ value: 2, comparator: '>' }, 'gt', 1, true],
    [{ value: 1, comparator: '>' }, 'gt', 1, true],
    [{ value: 1, comparator: '>=' }, 'gt', 1, null],
    [{ value: 1, comparator: '>=' }, 'gte', 1, true],
    [{ value: 0.5, comparator: '>' }, 'gte', 1, null],
    [{ value: 1, comparator: '>' }, 'lte', 1, false],
  ] as const)('%j %s %d → %s', (q, op, t, expected) => {
    expect(satisfies(q, op, t)).toBe(expected);
  });

  test('exact values agree with native comparison', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom<Op>('lt', 'lte', 'gt', 'gte'),
        (v, t, op) => {
          expect(satisfies({ value: v }, op, t)).toBe(native[op](v, t));
        },
      ),
    );
  });

  test('a decided censored value is right for every value it stands for', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: -60, max: 60 }),
        fc.constantFrom('<', '<=', '>', '>=' as const),
        fc.constantFrom<Op>('lt', 'lte', 'gt', 'gte'),
        (v, t, x, cmp, op) => {
          const inside = cmp === '<' ? x < v : cmp === '<=' ? x <= v : cmp === '>' ? x > v : x >= v;
          const r = satisfies({ value: v, comparator: cmp }, op, t);
          if (inside && r !== null) expect(native[op](x, t)).toBe(r);
        },
      ),
    );
  });
});
