import { describe, expect, it } from 'vitest';
import { bestThreshold, SCOPE_LET_THROUGH_COST } from './guards-train.js';

describe('choosing a guard threshold out of fold', () => {
  // Ten real questions (1) and four off-topic ones (0) with their out-of-fold probabilities. At
  // 3 : 1 the curve has a cautious minimum at 0.8 (none let through, five real refused: cost 5) and
  // a near-equal point at 0.3 (two let through, none refused: cost 6).
  const p = [0.95, 0.92, 0.91, 0.85, 0.8, 0.7, 0.6, 0.55, 0.5, 0.3, 0.75, 0.65, 0.2, 0.1];
  const y = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0];
  const cost = (_tp: number, fp: number, fn: number): number => -(SCOPE_LET_THROUGH_COST * fp + fn);
  const all = (): boolean => true;

  it('takes the minimum without a tolerance', () => {
    const chosen = bestThreshold(p, y, all, cost);
    expect(chosen.threshold).toBe(0.8);
    expect(chosen.confusion).toEqual({ tp: 5, fp: 0, fn: 5, tn: 4 });
  });

  it('takes the lowest threshold within the tolerance of the minimum: the fewest real questions refused', () => {
    const chosen = bestThreshold(p, y, all, cost, SCOPE_LET_THROUGH_COST);
    expect(chosen.threshold).toBe(0.3);
    expect(chosen.confusion).toEqual({ tp: 10, fp: 2, fn: 0, tn: 2 });
    // Nothing within a tolerance of 0.5: the minimum stays.
    expect(bestThreshold(p, y, all, cost, 0.5).threshold).toBe(0.8);
  });
});
