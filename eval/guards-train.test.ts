import { describe, expect, it } from 'vitest';
import { bestThreshold, lowestThresholdLettingThrough } from './guards-train.js';

/** The 3 : 1 cost the scope threshold used until 2026-11-26 (decision 0005). */
const SCOPE_LET_THROUGH_COST = 3;

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

  it('takes the lowest threshold that lets through at most the given share of the negatives', () => {
    // Four off-topic questions: 25 % allows one let through (0.65 refused, 0.75 let through), so the
    // lowest threshold is 0.7, the first candidate above 0.65.
    const chosen = lowestThresholdLettingThrough(p, y, all, 0.25);
    expect(chosen.threshold).toBe(0.7);
    expect(chosen.confusion).toEqual({ tp: 6, fp: 1, fn: 4, tn: 3 });
    // None allowed: above every negative.
    expect(lowestThresholdLettingThrough(p, y, all, 0).threshold).toBe(0.8);
    // Only included examples count.
    expect(lowestThresholdLettingThrough(p, y, (i) => i !== 10, 0.34).threshold).toBe(0.3);
  });
});
