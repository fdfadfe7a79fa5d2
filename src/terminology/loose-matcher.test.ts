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
  it('tries an Arabic word without the conjunction, preposition or article written onto it', () => {
    const ar = new LooseMatcher();
    ar.add('vomit', 'تستفرغ');
    ar.add('pain', 'وجع شديد');
    const arIds = (s: string): string[] => ar.match(foldTokens(s)).map((x) => x.id);
    expect(arIds('سحب بويضات امس وتستفرغ طول الوقت')).toEqual(['vomit']);
    expect(arIds('عندي وجع شديد')).toEqual(['pain']);
    // …and without the article: "الوجع الشديد" (the severe pain).
    expect(arIds('هل الوجع الشديد طبيعي')).toEqual(['pain']);
    // Three letters carry no proclitic: "وجع" (pain) is not "جع".
    expect(arIds('وجع خفيف')).toEqual([]);
  });

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

  it('takes a long word only with all but its last four letters: a German compound is not its first part', () => {
    const g = new LooseMatcher();
    g.add('clot', 'brustschmerzen');
    g.add('ohss', 'eizellentnahme');
    const found = (s: string): string[] => g.match(foldTokens(s)).map((x) => x.id);
    expect(found('Seit gestern Brustschmerz beim Atmen')).toEqual(['clot']);
    expect(found('Ich habe Brustkrebs')).toEqual([]);
    expect(found('nach der Eizellentnahmen')).toEqual(['ohss']);
    expect(found('meine Eizellen einfrieren')).toEqual([]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => Array.isArray(m.match(foldTokens(s)))));
  });

  it('agrees with trying every phrase on every token (the indexed look-up changes speed, not results)', () => {
    // Reference: the definition in the module comment, phrase by phrase in insertion order.
    const phrases: Array<[string, string]> = [
      ['a', 'pain side'],
      ['b', 'pains'],
      ['c', 'bleeding heavy'],
      ['d', 'hsg tube'],
      ['e', 'pain'],
      ['f', 'bleed'],
      // Arabic: a conjunction or preposition written onto a word ("وتستفرغ") is also tried without it.
      ['g', 'تستفرغ'],
      ['h', 'وجع شديد'],
      // A long word: all but its last four letters ("brustschmerzen" is not "brustkrebs").
      ['i', 'brustschmerzen side'],
      ['j', 'wadenschmerzen'],
    ];
    const lm = new LooseMatcher(1);
    for (const [id, p] of phrases) lm.add(id, p);
    const word1 = (pw: string, t: string): boolean =>
      pw.length >= 5 ? t.startsWith(pw.slice(0, Math.max(5, pw.length - 4))) : t === pw || t === pw + 's';
    const bare = (t: string): string | null => {
      if (t.length <= 3) return null;
      const a = /^[وفب]/.test(t) ? t.slice(1) : t;
      const b = a.startsWith('ال') && a.length >= 5 ? a.slice(2) : a;
      return b === t ? null : b;
    };
    const word = (pw: string, t: string): boolean =>
      word1(pw, t) || (bare(t) !== null && word1(pw, bare(t)!));
    const reference = (tokens: string[]): string[] => {
      const out: string[] = [];
      for (let i = 0; i < tokens.length; i++) {
        // Long first words before short ones, each group in insertion order.
        const order = [
          ...phrases.filter(([, p]) => foldTokens(p)[0]!.length >= 5),
          ...phrases.filter(([, p]) => foldTokens(p)[0]!.length < 5),
        ];
        for (const [id, p] of order) {
          const ws = foldTokens(p);
          if (!word(ws[0]!, tokens[i]!)) continue;
          let pos = i;
          let ok = true;
          for (let w = 1; w < ws.length && ok; w++) {
            let found = -1;
            for (let j = pos + 1; j <= Math.min(tokens.length - 1, pos + 2); j++)
              if (word(ws[w]!, tokens[j]!)) {
                found = j;
                break;
              }
            if (found < 0) ok = false;
            else pos = found;
          }
          if (ok) out.push(`${id}@${i}-${pos + 1}`);
        }
      }
      return out;
    };
    const vocab = [
      'pain',
      'pains',
      'side',
      'sides',
      'bleeding',
      'bleeds',
      'heavy',
      'hsg',
      'hsgs',
      'tube',
      'x',
      'تستفرغ',
      'وتستفرغ',
      'فتستفرغ',
      'وجع',
      'ووجع',
      'الوجع',
      'والوجع',
      'الشديد',
      'شديد',
      'وشديد',
      'brustschmerzen',
      'brustschmerz',
      'brustkrebs',
      'wadenschmerz',
      'waden',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocab), { maxLength: 12 }), (tokens) => {
        const got = lm.match(tokens).map((x) => `${x.id}@${x.start}-${x.end}`);
        expect(got).toEqual(reference(tokens));
      }),
    );
  });
});
