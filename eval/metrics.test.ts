import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mean, ndcgAtK, quantile, recallAtK } from './metrics.js';

const m = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o));

describe('ndcgAtK', () => {
  it('binary relevance, computed by hand', () => {
    // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.63093; nDCG = 0.919721
    expect(ndcgAtK(['a', 'b', 'c'], m({ a: 1, c: 1 }), 10)).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK(['a', 'b', 'c'], m({ a: 1, c: 1 }), 10)).toBeCloseTo(0.919721, 5);
  });

  it('graded relevance uses the grade as the gain (trec_eval), computed by hand', () => {
    // ranked x(1) y(2) z(0); judged also w(2), not retrieved.
    // DCG = 1/1 + 2/log2(3) = 2.261860; IDCG = 2/1 + 2/log2(3) + 1/log2(4) = 3.761860
    const v = ndcgAtK(['x', 'y', 'z'], m({ x: 1, y: 2, w: 2 }), 10);
    expect(v).toBeCloseTo(2.26186 / 3.76186, 5);
    expect(v).toBeCloseTo(0.601265, 5);
  });

  it('cuts at k: a relevant document at rank 11 counts nothing at k = 10', () => {
    const ranked = Array.from({ length: 11 }, (_, i) => `d${i}`);
    expect(ndcgAtK(ranked, m({ d10: 1 }), 10)).toBe(0);
    expect(ndcgAtK(ranked, m({ d10: 1 }), 11)).toBeCloseTo(1 / Math.log2(12), 12);
  });

  it('is 1 for the ideal ranking, 0 with nothing relevant, and ignores negative grades', () => {
    expect(ndcgAtK(['a', 'b'], m({ a: 2, b: 1 }), 10)).toBe(1);
    expect(ndcgAtK(['a', 'b'], m({ a: 0 }), 10)).toBe(0);
    expect(ndcgAtK(['n', 'a'], m({ n: -1, a: 1 }), 10)).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it('stays within [0, 1] for any ranking', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 6 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.integer({ min: -1, max: 3 })),
        fc.integer({ min: 1, max: 10 }),
        (ranked, judged, k) => {
          const v = ndcgAtK(ranked, new Map(Object.entries(judged)), k);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 + 1e-12);
        },
      ),
    );
  });
});

describe('recallAtK', () => {
  it('counts relevant documents found in the first k, computed by hand', () => {
    expect(recallAtK(['a', 'b', 'c'], m({ a: 1, c: 1, d: 1 }), 2)).toBeCloseTo(1 / 3, 12);
    expect(recallAtK(['a', 'b', 'c'], m({ a: 1, c: 1, d: 1 }), 100)).toBeCloseTo(2 / 3, 12);
    expect(recallAtK(['a', 'b', 'c'], m({ a: 2, c: 0 }), 100)).toBe(1);
  });

  it('does not count a repeated document twice, and is 0 with nothing relevant', () => {
    expect(recallAtK(['a', 'a'], m({ a: 1, b: 1 }), 10)).toBe(0.5);
    expect(recallAtK(['a'], m({ a: 0 }), 10)).toBe(0);
  });
});

describe('mean and quantile', () => {
  it('computes them by nearest rank', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBe(0);
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBe(10);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
