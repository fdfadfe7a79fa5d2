import { describe, expect, it } from 'vitest';
import { auroc, coverageCurve, expectedCalibrationError, reliabilityBins } from './calibration-metrics.js';

describe('calibration metrics', () => {
  it('ECE is 0 for a perfectly calibrated set and |acc − conf| for one bin', () => {
    const perfect = [
      { confidence: 0.25, right: true },
      { confidence: 0.25, right: false },
      { confidence: 0.25, right: false },
      { confidence: 0.25, right: false },
    ];
    expect(expectedCalibrationError(perfect)).toBeCloseTo(0, 10);
    const over = [
      { confidence: 0.9, right: true },
      { confidence: 0.9, right: false },
    ];
    expect(expectedCalibrationError(over)).toBeCloseTo(0.4, 10);
  });

  it('puts confidence 1 in the last bin', () => {
    const bins = reliabilityBins([{ confidence: 1, right: true }]);
    expect(bins[9]!.n).toBe(1);
  });

  it('AUROC: 1 when right answers always score higher, 0.5 on ties, null when one class is empty', () => {
    expect(
      auroc([
        { confidence: 0.9, right: true },
        { confidence: 0.1, right: false },
      ]),
    ).toBe(1);
    expect(
      auroc([
        { confidence: 0.5, right: true },
        { confidence: 0.5, right: false },
      ]),
    ).toBe(0.5);
    expect(auroc([{ confidence: 0.5, right: true }])).toBeNull();
  });

  it('coverage falls and selective accuracy rises with the threshold', () => {
    const rows = [
      { p: 0.9, answerRight: true },
      { p: 0.6, answerRight: true },
      { p: 0.4, answerRight: false },
      { p: 0.1, answerRight: false },
    ];
    expect(coverageCurve(rows, [0, 0.5, 0.95])).toEqual([
      { threshold: 0, coverage: 1, selectiveAccuracy: 0.5 },
      { threshold: 0.5, coverage: 0.5, selectiveAccuracy: 1 },
      { threshold: 0.95, coverage: 0, selectiveAccuracy: null },
    ]);
  });
});
