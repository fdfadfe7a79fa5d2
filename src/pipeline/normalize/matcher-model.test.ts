import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getTerminology } from '../../terminology/analytes.js';
import { features, fnv1a, MATCHER_FILE, Matcher, parseMatcherArtifact, softmax } from './matcher-model.js';
import { analyzeName } from './matcher-text.js';

describe('matcher artifact', () => {
  const text = readFileSync(MATCHER_FILE, 'utf8');

  it('loads and gives a probability distribution', () => {
    const m = new Matcher(parseMatcherArtifact(text));
    const p = m.probabilities(analyzeName('Anti Mulerian Hormone', getTerminology()));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(m.classes[p.indexOf(Math.max(...p))]).toBe('amh');
  });

  it('fails with a message naming the field on a bad file', () => {
    expect(() => parseMatcherArtifact('{', 'm.json')).toThrow(/m.json: not valid JSON/);
    const a = JSON.parse(text) as Record<string, unknown>;
    expect(() => parseMatcherArtifact(JSON.stringify({ ...a, threshold: 2 }), 'm.json')).toThrow(
      /m.json: threshold/,
    );
    expect(() =>
      parseMatcherArtifact(JSON.stringify({ ...a, weights: { '12': [999, 0.5] } }), 'm.json'),
    ).toThrow(/weights.12/);
    expect(() => parseMatcherArtifact(JSON.stringify({ ...a, format: 99 }), 'm.json')).toThrow(/format/);
  });
});

describe('features', () => {
  it('are deterministic hashes and carry qualifiers as their own features', () => {
    const t = getTerminology();
    expect(fnv1a('abc')).toBe(fnv1a('abc'));
    expect(fnv1a('abc')).not.toBe(fnv1a('abd'));
    const free = features(analyzeName('free T4', t));
    const bare = features(analyzeName('T4', t));
    expect(free.length).toBeGreaterThan(bare.length);
    expect(features(analyzeName('free T4', t))).toEqual(free);
  });

  it('hash character n-grams exactly as fnv1a("c" + gram) (the stored model depends on it)', () => {
    const t = getTerminology();
    for (const text of ['Anti Mullerian Hormone', 'T4 libre', 'هرمون مضاد مولر', 'x']) {
      const an = analyzeName(text, t);
      const padded = ' ' + an.all.join(' ') + ' ';
      const grams = new Set<number>();
      for (let n = 2; n <= 4; n++)
        for (let i = 0; i + n <= padded.length; i++)
          grams.add(fnv1a('c' + padded.slice(i, i + n)) % (1 << 18));
      const f = new Set(features(an));
      for (const g of grams) expect(f.has(g), text).toBe(true);
    }
  });

  it('softmax is shift-invariant and sharpens with lower temperature', () => {
    const z = Float64Array.from([1, 2, 3]);
    const p1 = softmax(z, 3, 1);
    const p2 = softmax(Float64Array.from([101, 102, 103]), 3, 1);
    for (let k = 0; k < 3; k++) expect(p1[k]).toBeCloseTo(p2[k]!, 12);
    expect(softmax(z, 3, 0.5)[2]!).toBeGreaterThan(p1[2]!);
  });
});
