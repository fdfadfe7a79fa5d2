import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_TOKEN_LENGTH,
  analyze,
  normalizeText,
  toTerms,
  tokenize,
  type AnalyzerOptions,
} from './tokenize.js';

const bio: AnalyzerOptions = { mode: 'biomedical', stopWords: 'english', stem: 'porter2' };
const tok = (s: string): string[] => tokenize(s, bio);

describe('tokenize (biomedical)', () => {
  it('folds case and accents, and applies NFKC', () => {
    expect(tok('Hormone Anti-Müllérienne')).toEqual(['hormone', 'antimullerienne', 'anti', 'mullerienne']);
    expect(tok('ＡＭＨ ﬁbroid')).toEqual(['amh', 'fibroid']);
    expect(tok('Straße Œstradiol')).toEqual(['strasse', 'oestradiol']);
  });

  it('spells out Greek letters, splitting them from the word they touch', () => {
    expect(tok('TNF-α')).toEqual(['tnfalpha', 'tnf', 'alpha']);
    expect(tok('β-catenin')).toEqual(['betacatenin', 'beta', 'catenin']);
    expect(tok('IFNγ')).toEqual(['ifngamma', 'ifn', 'gamma']);
    expect(tok('γδ T cells')).toEqual(['gammadelta', 'gamma', 'delta', 't', 'cells']);
    expect(tok('Ω')).toEqual(['omega']);
  });

  it('keeps numbers with their units', () => {
    expect(tok('1.2ng/mL')).toEqual(['1.2', 'ng/ml']);
    expect(tok('1.2 ng/mL')).toEqual(['1.2', 'ng/ml']);
    expect(tok('25 µg/l and 3 μmol/L')).toEqual(['25', 'ug/l', 'and', '3', 'umol/l']);
    expect(tok('10mg/kg/d')).toEqual(['10', 'mg/kg/d']);
    expect(tok('28wk, 45%')).toEqual(['28', 'wk', '45']);
  });

  it('splits slashes that are not units', () => {
    expect(tok('and/or IL-6/IL-10')).toEqual(['and', 'or', 'il6', 'il', '6', 'il10', 'il', '10']);
  });

  it('indexes hyphenated words joined and split, but not numeric ranges joined', () => {
    expect(tok('anti-Müllerian')).toEqual(['antimullerian', 'anti', 'mullerian']);
    expect(tok('10-20')).toEqual(['10', '20']);
    expect(tok('10–20')).toEqual(['10', '20']);
  });

  it('reads decimal commas and thousands separators', () => {
    expect(tok('8,57 pmol/l')).toEqual(['8.57', 'pmol/l']);
    expect(tok('5,183 docs')).toEqual(['5183', 'docs']);
    expect(tok('1,2,3')).toEqual(['1', '2', '3']);
  });

  it('drops possessives and sentence dots but keeps decimals', () => {
    expect(tok("women's O'Neill e.g. cells.The 1.25")).toEqual([
      'women',
      'oneill',
      'e',
      'g',
      'cells',
      'the',
      '1.25',
    ]);
  });

  it('drops over-long tokens', () => {
    expect(tok('x'.repeat(MAX_TOKEN_LENGTH + 1) + ' ok')).toEqual(['ok']);
  });

  it('never throws; tokens are non-empty, bounded, lower-case and without spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        for (const t of tok(s)) {
          expect(t.length).toBeGreaterThan(0);
          expect(t.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
          expect(t).not.toMatch(/\s/);
          expect(t.toLowerCase()).toBe(t);
        }
      }),
    );
  });
});

describe('toTerms and analyze', () => {
  it('removes stop words after tokenizing and stems what remains', () => {
    expect(analyze('The effects of smoking on ovulation rates', bio)).toEqual([
      'effect',
      'smoke',
      'ovul',
      'rate',
    ]);
    expect(
      toTerms(['the', 'women', 'hoping'], { mode: 'simple', stopWords: 'lucene', stem: 'none' }),
    ).toEqual(['women', 'hoping']);
  });

  it('keeps negations with the english list but not with the lucene list', () => {
    expect(analyze('no effect', bio)).toEqual(['no', 'effect']);
    expect(analyze('no effect', { ...bio, stopWords: 'lucene' })).toEqual(['effect']);
  });

  it('a query of stop words only has no terms', () => {
    expect(analyze('the of and to with', bio)).toEqual([]);
  });

  it('simple mode is lower-cased letter and digit runs only', () => {
    expect(tokenize('TNF-α 1.2ng/mL', { mode: 'simple' })).toEqual(['tnf', 'α', '1', '2ng', 'ml']);
  });
});

describe('normalizeText', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (s) => {
        const once = normalizeText(s);
        expect(normalizeText(once)).toBe(once);
      }),
    );
  });
});
