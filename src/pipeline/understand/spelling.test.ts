import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, SpellingCorrector } from './spelling.js';

const c = new SpellingCorrector(
  new Map([
    ['fallopian', 5],
    ['asthenozoospermia', 2],
    ['fertility', 50],
    ['fertilization', 3],
    ['letrozole', 7],
    ['morphology', 4],
    ['rauche', 2],
    ['fieber', 3],
  ]),
);

describe('spelling correction', () => {
  it.each([
    ['fallopain', 'fallopian'],
    ['asthenozoosperima', 'asthenozoospermia'],
    ['fertilite', 'fertility'],
    ['letrozol', 'letrozole'],
    ['morphlogy', 'morphology'],
  ])('%s → %s', (w, want) => expect(c.correct(w)).toBe(want));

  // "gauche" (French: left) and "lieber" (German: rather) are one letter from "rauche", "fieber".
  it.each(['fertilozan', 'ovagenix', 'guaifenesin', 'short', 'fertility', 'gauche', 'lieber'])(
    'leaves %s alone',
    (w) => {
      expect(c.correct(w)).toBeNull();
    },
  );

  it('computes distances with transpositions', () => {
    expect(editDistance('abcd', 'abdc', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });

  it('is symmetric and zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b, 20);
        expect(d).toBe(editDistance(b, a, 20));
        expect(d === 0).toBe(a === b);
      }),
    );
  });
});
