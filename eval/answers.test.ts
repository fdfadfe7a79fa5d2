import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { platt } from '../src/pipeline/calibrate/calibrator.js';
import { chooseThreshold, sameDecisionThreshold } from './answers.js';

describe('sameDecisionThreshold (the abstention decision carried onto the reported mapping)', () => {
  const mapping = fc.record({
    a: fc.double({ min: 0.05, max: 5, noNaN: true }),
    b: fc.double({ min: -3, max: 3, noNaN: true }),
  });

  it('answers exactly the scores the chosen threshold answered on the other mapping', () => {
    fc.assert(
      fc.property(
        mapping,
        mapping,
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        fc.array(fc.double({ min: 0.001, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (from, to, t, scores) => {
          const t2 = sameDecisionThreshold(t, from, to);
          // A steep mapping can carry the threshold to within rounding of 0 or 1, where doubles no
          // longer tell the scores apart (slopes 0.05 and 4.9: the threshold maps to 1 - 1e-16).
          if (t2 < 1e-9 || t2 > 1 - 1e-9) return;
          for (const s of scores) {
            const before = platt(s, from.a, from.b);
            const after = platt(s, to.a, to.b);
            // Scores within rounding of the threshold itself may fall either way.
            if (Math.abs(before - t) < 1e-9 || Math.abs(after - t2) < 1e-9) continue;
            expect(after >= t2, `score ${s}`).toBe(before >= t);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is the identity when the mappings are the same, and refuses a decreasing mapping', () => {
    expect(sameDecisionThreshold(0.674, { a: 0.75, b: 1.1 }, { a: 0.75, b: 1.1 })).toBeCloseTo(0.674, 12);
    expect(() => sameDecisionThreshold(0.5, { a: -1, b: 0 }, { a: 1, b: 0 })).toThrow(/increase/);
  });
});

describe('chooseThreshold (the abstention threshold)', () => {
  const targets = { answered: 0.99, abstained: 0.99 }; // unreachable: the cost decides
  // Answerable questions spread over 0.3–0.95, should-abstain ones over 0.05–0.6: they overlap.
  const rows = (shift: (i: number) => number) => [
    ...Array.from({ length: 150 }, (_, i) => ({
      p: Math.min(0.99, 0.3 + (0.65 * i) / 149 + shift(i)),
      shouldAnswer: true,
    })),
    ...Array.from({ length: 40 }, (_, i) => ({
      p: Math.max(0.01, 0.05 + (0.55 * i) / 39 + shift(i + 1000)),
      shouldAnswer: false,
    })),
  ];
  // A deterministic jitter of every score, as retraining gives.
  const jitter = (seed: number) => (i: number) => 0.02 * Math.sin(seed * 12.9898 + i * 78.233);

  it('takes the cheapest threshold among those meeting both targets when some do, not the lowest', () => {
    const separable = [
      { p: 0.9, shouldAnswer: true },
      { p: 0.8, shouldAnswer: true },
      { p: 0.2, shouldAnswer: false },
    ];
    const r = chooseThreshold(separable, { answered: 1, abstained: 1 });
    expect(r.threshold).toBeGreaterThan(0.2);
    expect(r.threshold).toBeLessThanOrEqual(0.8);
    expect(r.rule).toMatch(/among the thresholds meeting both targets/);
    // Targets met from 0.2+ to 0.8: the smoothed cost is lowest between the two groups, away from
    // the interval's lower edge (one should-abstain question's score).
    expect(r.threshold).toBeGreaterThan(0.3);
    // Reachable targets on the overlapping rows: the choice stays within the interval meeting them.
    const loose = { answered: 0.5, abstained: 0.5 };
    const o = chooseThreshold(
      rows(() => 0),
      loose,
    );
    expect(o.answeredRate).toBeGreaterThanOrEqual(0.5);
    expect(o.abstainedRate).toBeGreaterThanOrEqual(0.5);
    expect(o.rule).toMatch(/among the thresholds meeting both targets/);
  });

  it('otherwise minimises the cost, and moves less with jittered scores when counted softly', () => {
    const spread = (smoothing: number): number => {
      const ts = [1, 2, 3, 4, 5, 6].map(
        (seed) => chooseThreshold(rows(jitter(seed)), targets, 2, smoothing).threshold,
      );
      return Math.max(...ts) - Math.min(...ts);
    };
    const hard = spread(0);
    const soft = spread(0.25);
    expect(soft).toBeLessThan(hard);
    const r = chooseThreshold(
      rows(() => 0),
      targets,
    );
    expect(r.rule).toMatch(/logistic kernel of 0.25/);
    // Wrong answers cost twice a needless abstention: here abstaining on every should-abstain
    // question (all below 0.6) is worth refusing the answerable ones below it.
    expect(r.threshold).toBeGreaterThan(0.55);
    expect(r.threshold).toBeLessThan(0.7);
    expect(r.abstainedRate).toBeGreaterThan(0.9);
  });
});
