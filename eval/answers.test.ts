import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { platt } from '../src/pipeline/calibrate/calibrator.js';
import { sameDecisionThreshold } from './answers.js';

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
          for (const s of scores) {
            const before = platt(s, from.a, from.b);
            // Scores within rounding of the threshold itself may fall either way.
            if (Math.abs(before - t) < 1e-9) continue;
            expect(platt(s, to.a, to.b) >= t2, `score ${s}`).toBe(before >= t);
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
