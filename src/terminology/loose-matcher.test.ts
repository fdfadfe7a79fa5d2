import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LooseMatcher } from './loose-matcher.js';
import { foldTokens } from './text.js';

const m = new LooseMatcher();
m.add('side-pain', "douleur d'un côté");
m.add('vomit', 'vomiting');
m.add('bleed', 'heavy bleeding');
m.add('hsg', 'hsg');

const ids = (s: string): string[] => m.match(foldTokens(s)).map((x) => x.id);

describe('LooseMatcher', () => {
  it.each([
    ["une douleur d'un seul côté", 'side-pain'],
    ['vómitos toda la noche', 'vomit'],
    ['vomitando', 'vomit'],
    ['heavy, heavy bleeding', 'bleed'],
    ['an HSG yesterday', 'hsg'],
    ['two HSGs', 'hsg'],
  ])('"%s" matches %s', (text, id) => {
    expect(ids(text)).toContain(id);
  });

  it.each([
    ['douleur au ventre, de ce côté'],
    ['heavy lifting causes no bleeding'],
    ['bleeding, heavy'],
    ['hs g'],
  ])('"%s" does not match across too many words or partial short words', (text) => {
    expect(ids(text).filter((x) => x !== 'vomit')).toEqual([]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => Array.isArray(m.match(foldTokens(s)))));
  });
});
