import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PhraseMatcher } from './phrase-matcher.js';
import { foldText } from './text.js';

describe('PhraseMatcher', () => {
  it('matches folded, accent-free phrases', () => {
    const m = new PhraseMatcher();
    m.add('amh', 'Hormone anti-müllérienne');
    expect(m.match('HORMONE ANTI MULLERIENNE 2,1').map((x) => x.id)).toEqual(['amh']);
  });

  it('never throws and returns in-bounds spans on arbitrary text', () => {
    const m = new PhraseMatcher();
    m.add('a', 'alpha beta');
    m.add('b', 'beta');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        for (const x of m.match(s)) expect(x.end).toBeGreaterThan(x.start);
      }),
    );
  });

  it('folds Arabic letter variants and German sharp s', () => {
    expect(foldText('إستراديول')).toBe(foldText('استراديول'));
    expect(foldText('Größe')).toBe('grosse');
  });
});
