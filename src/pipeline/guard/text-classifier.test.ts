import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldTokens } from '../../terminology/text.js';
import { DIMS, TextClassifier, textFeatures, trainTextClassifier, type Example } from './text-classifier.js';

const ex = (text: string, label: 0 | 1): Example => ({ text, dense: [0], label });

describe('text classifier', () => {
  const data = [
    ...[
      'severe pain and swollen belly after egg collection',
      'bleeding heavily with clots now',
      'fever since my transfer yesterday',
      'je saigne beaucoup',
      'dolor fuerte y fiebre',
    ].map((t) => ex(t, 1)),
    ...[
      'what is AMH',
      'how many embryos should be transferred',
      'does smoking affect sperm',
      'quest-ce que la FIV',
      'que es la endometriosis',
    ].map((t) => ex(t, 0)),
  ];
  const model = trainTextClassifier(data, {
    denseNames: ['x'],
    l2: 1e-6,
    epochs: 30,
    seed: 1,
    learningRate: 0.5,
  });
  const clf = new TextClassifier(model);

  it('learns to separate its training examples', () => {
    for (const d of data) expect(clf.probability(d.text, [0]) >= 0.5).toBe(d.label === 1);
  });

  it('generalises through character n-grams to an unseen inflection', () => {
    expect(clf.probability('swelling and severe pains after the collection', [0])).toBeGreaterThan(
      clf.probability('how many embryos', [0]),
    );
  });

  it('is deterministic for a seed', () => {
    const again = trainTextClassifier(data, {
      denseNames: ['x'],
      l2: 1e-6,
      epochs: 30,
      seed: 1,
      learningRate: 0.5,
    });
    expect(again).toEqual(model);
  });

  it('never throws and stays in [0, 1] on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        const p = clf.probability(s, [0]);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(textFeatures(s).every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
      }),
    );
  });
});

describe('text features', () => {
  // The definition, written out without the per-word cache: what a trained model's weights mean.
  const fnv1a = (x: string): number => {
    let h = 0x811c9dc5;
    for (let i = 0; i < x.length; i++) {
      h ^= x.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
  };
  const reference = (text: string): number[] => {
    const words = foldTokens(text).slice(0, 400);
    const out: number[] = [];
    words.forEach((w, i) => {
      out.push(fnv1a('w:' + w) % DIMS);
      if (i + 1 < words.length) out.push(fnv1a('b:' + w + ' ' + words[i + 1]) % DIMS);
      const padded = `<${w}>`;
      for (let n = 3; n <= 5; n++)
        for (let j = 0; j + n <= padded.length; j++)
          out.push(fnv1a(`c${n}:` + padded.slice(j, j + n)) % DIMS);
    });
    return out;
  };

  it('are the hashed word, bigram and character n-grams, in order, whether words were seen before or not', () => {
    const words = fc.constantFrom('pain', 'fièvre', 'AMH', 'دم', 'bleeding', 'x', 'ovulación');
    fc.assert(
      fc.property(fc.array(fc.oneof(words, fc.string({ maxLength: 8 })), { maxLength: 12 }), (ws) => {
        const text = ws.join(' ');
        expect(textFeatures(text)).toEqual(reference(text));
        expect(textFeatures(text + ' ')).toEqual(reference(text)); // a second text: words now cached
      }),
    );
  });
});
