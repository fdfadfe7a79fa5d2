import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiDigits, escapeRegExp, foldText, foldTokens, foldUnicode } from './text.js';

describe('foldText', () => {
  it('folds plain ASCII exactly as the full Unicode folding does (the shortcut changes nothing)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 60 }), (s) => {
        expect(foldText(s)).toBe(foldUnicode(s));
      }),
      { numRuns: 2000 },
    );
    expect(foldText('Don`t')).toBe("don't");
  });

  it('folds accents, ligatures and Arabic letter forms', () => {
    expect(foldText('Müllérienne Œstradiol ß')).toBe('mullerienne oestradiol ss');
    expect(foldText('أطفال الأنابيب')).toBe(foldUnicode('أطفال الأنابيب'));
  });
});

describe('asciiDigits', () => {
  it('writes Arabic-Indic and Persian digits and the Arabic separators in ASCII', () => {
    expect(asciiDigits('منظمة الصحة العالمية ٢٠٢١')).toBe('منظمة الصحة العالمية 2021');
    expect(asciiDigits('۱۴۰۳')).toBe('1403');
    expect(asciiDigits('١٫٥ ١٬٠٠٠ ٥٪')).toBe('1.5 1,000 5%');
  });

  it('maps each digit to its value and leaves every other character as it is', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 })), fc.string(), (digits, other) => {
        const arabic = digits.map((d) => String.fromCharCode(0x0660 + d)).join('');
        const persian = digits.map((d) => String.fromCharCode(0x06f0 + d)).join('');
        expect(asciiDigits(arabic)).toBe(digits.join(''));
        expect(asciiDigits(persian)).toBe(digits.join(''));
        const untouched = other.replace(/[\u0660-\u066c\u06f0-\u06f9]/g, '');
        expect(asciiDigits(untouched)).toBe(untouched);
      }),
    );
  });

  it('is idempotent, and its output tokenizes without Eastern digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('٢', '۵', '٫', 'a', ' ', '1', 'ب') }), (s) => {
        const once = asciiDigits(s);
        expect(asciiDigits(once)).toBe(once);
        for (const t of foldTokens(once)) expect(t).not.toMatch(/[\u0660-\u0669\u06f0-\u06f9]/);
      }),
    );
  });
});

describe('escapeRegExp', () => {
  it('makes any literal match itself, in u mode too', () => {
    for (const lit of ['a.b', 'x+y', '(1)', '[IU]', 'n°', 'a-b/c', '\\']) {
      expect(new RegExp(`^${escapeRegExp(lit)}$`, 'u').test(lit)).toBe(true);
    }
    fc.assert(fc.property(fc.string(), (lit) => new RegExp(`^${escapeRegExp(lit)}$`, 'u').test(lit)));
  });
});
