import { describe, expect, it } from 'vitest';
import { getTerminology } from '../../terminology/analytes.js';
import { buildExamples, splitOf } from './matcher-data.js';
import { setMatcher } from './matcher-model.js';
import { trainMatcher } from './matcher-train.js';

describe('matcher training data', () => {
  const t = getTerminology();
  const ex = buildExamples(t, { seed: 7, variantsPerSynonym: 2 });

  it('never contains a held-out lab line', () => {
    expect(ex.some((e) => e.origin === 'lines')).toBe(true);
    // The held-out names are read only by evaluation: none of them is a "lines" example.
    const fromLines = new Set(ex.filter((e) => e.origin === 'lines').map((e) => e.text));
    expect(fromLines.has('Nüchternglukose')).toBe(false);
  });

  it('labels a qualified synonym without its qualifier as none (the model never learns to drop one)', () => {
    const drop = ex.filter((e) => e.origin === 'qualifier-drop');
    expect(drop.length).toBeGreaterThan(10);
    expect(drop.every((e) => e.label === null)).toBe(true);
    expect(drop.map((e) => e.text)).toContain('t 4'); // "free T4" without "free"
  });

  it('splits deterministically', () => {
    expect(splitOf('x', 1)).toBe(splitOf('x', 1));
    const again = buildExamples(t, { seed: 7, variantsPerSynonym: 2 });
    expect(again.map((e) => `${e.split}${e.text}`)).toEqual(ex.map((e) => `${e.split}${e.text}`));
  });
});

describe('trainMatcher', () => {
  it('is deterministic for a seed (same weights and threshold) and writes nothing with out: null', () => {
    const opts = { seed: 3, epochs: 2, variantsPerSynonym: 1, refitEpochs: 1, out: null } as const;
    try {
      const a = trainMatcher(opts);
      const b = trainMatcher(opts);
      expect(a.file).toBeNull();
      expect(b.artifact.weights).toEqual(a.artifact.weights);
      expect(b.artifact.threshold).toBe(a.artifact.threshold);
      expect(b.artifact.trainingDataHash).toBe(a.artifact.trainingDataHash);
      expect(a.artifact.metrics.validation['wrongAboveThreshold']).toBe(0);
    } finally {
      setMatcher(undefined); // back to the committed artifact for other tests
    }
  }, 120_000);
});
