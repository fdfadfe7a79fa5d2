import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arabicLight, arabicWithoutPreposition, PhraseMatcher } from './phrase-matcher.js';
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

describe('morphology in the phrase matcher', () => {
  it('meets Arabic words with and without the article and plural endings', () => {
    const m = new PhraseMatcher();
    m.add('smoking', 'التدخين');
    m.add('sperm', 'الحيوانات المنوية');
    expect(m.match('هل يؤثر تدخين الزوج على حيوانات منوية').map((x) => x.id)).toEqual(['smoking', 'sperm']);
  });

  it('reads a phrase behind an attached "ل"/"ك" preposition only when the word itself is unknown', () => {
    const m = new PhraseMatcher();
    m.add('sperm-count', 'عدد الحيوانات المنوية');
    m.add('milk', 'لبن');
    expect(m.match('ما الحد الأدنى لعدد الحيوانات المنوية').map((x) => [x.id, x.start, x.end])).toEqual([
      ['sperm-count', 3, 6],
    ]);
    // "لبن" is a word of its own, not "ل" + "بن".
    expect(m.match('هل اللبن مفيد').map((x) => x.id)).toEqual(['milk']);
    expect(m.match('لبن').map((x) => x.id)).toEqual(['milk']);
    expect(arabicWithoutPreposition('لعدد')).toBe('عدد');
    expect(arabicWithoutPreposition('عدد')).toBeNull();
    expect(arabicWithoutPreposition('لا')).toBeNull();
  });

  it('splits a German compound on a known first word and keeps spans in the caller’s tokens', () => {
    const m = new PhraseMatcher();
    m.add('infertility', 'Kinderwunsch');
    const hits = m.match(['wann', 'zum', 'kinderwunschzentrum']);
    expect(hits).toEqual([{ id: 'infertility', start: 2, end: 3, synonym: 'Kinderwunsch' }]);
  });

  it('splits before a short noun lab questions end compounds with, but not before a suffix', () => {
    const m = new PhraseMatcher();
    m.add('prolactin', 'Prolaktin');
    m.add('folic-acid', 'folic');
    expect(m.match(['ab', 'welchem', 'prolaktinwert']).map((x) => x.id)).toEqual(['prolactin']);
    expect(m.match(['prolaktintest']).map((x) => x.id)).toEqual(['prolactin']);
    expect(m.match(['prolaktinkur'])).toEqual([]); // "kur" is not a listed tail
    expect(m.match(['folicular'])).toEqual([]);
  });

  it('splits only on a first part that is a synonym by itself, not the first word of one', () => {
    const m = new PhraseMatcher();
    m.add('embryo-glue', 'colle embryonnaire');
    m.add('ivf', 'egg collection');
    // "collection" is not "colle" + "ction": the English phrase is found whole.
    expect(m.match(['before', 'my', 'egg', 'collection'])).toEqual([
      { id: 'ivf', start: 2, end: 4, synonym: 'egg collection' },
    ]);
  });

  it('never splits an English word, nor on an abbreviation or a three-letter first part', () => {
    const m = new PhraseMatcher();
    m.add('progesterone', 'PROG');
    m.add('premature-ovarian-insufficiency', 'POI');
    m.add('ovarian-stimulation', 'stim');
    m.add('caffeine', 'chá');
    m.add('endometriosis', 'endo');
    m.add('folic-acid', 'folic');
    m.add('ohss', 'Überstimulation');
    for (const word of [
      'programme',
      'prognosis',
      'poisoning',
      'stimulating',
      'progresión',
      'chasteberry',
      'endodoncia',
    ])
      expect(m.match([word]), word).toEqual([]);
    // Without compounds (French, Spanish, Portuguese, Arabic questions) a long word stays whole.
    m.add('thyroid', 'thyroid');
    expect(m.match(['thyroidiennes']).map((x) => x.id)).toEqual(['thyroid']);
    expect(m.match(['thyroidiennes'], { compounds: false })).toEqual([]);
    // A German compound still splits on a written-out first word.
    expect(m.match(['uberstimulationssyndrom']).map((x) => x.id)).toEqual(['ohss']);
  });
});

describe('Arabic light stemming', () => {
  it('takes a second ending off only when four letters remain', () => {
    // "الكافيين" (caffeine) must not meet "كافي" (enough).
    expect(arabicLight('الكافيين')).toBe('كافي');
    expect(arabicLight('كافي')).toBe('كاف');
    expect(arabicLight('الحيوانات')).toBe('حيوان');
    const m = new PhraseMatcher();
    m.add('caffeine', 'الكافيين');
    expect(m.match(['هل', 'هذا', 'كافي']).map((x) => x.id)).toEqual([]);
    expect(m.match(['الكافيين', 'يضر']).map((x) => x.id)).toEqual(['caffeine']);
  });
});

describe('two-word names said apart (matchSeparated)', () => {
  const m = new PhraseMatcher();
  m.add('tubal-factor', 'blocked tubes');
  m.add('hyperprolactinaemia', 'raised prolactin');
  m.add('semen-analysis', 'sperm test');
  m.add('sperm-dna-fragmentation', 'DNA fragmentation');
  m.add('embryo-transfer', '3 embryos');
  m.add('sperm-concentration', 'concentración de espermatozoides');
  const ids = (text: string, clauseStarts?: ReadonlySet<number>) => {
    const tokens = text.toLowerCase().split(' ');
    const contiguous = m.match(tokens);
    return m
      .matchSeparated(
        tokens,
        clauseStarts ? { maxGap: 2, clauseStarts, contiguous } : { maxGap: 2, contiguous },
      )
      .map((x) => x.id);
  };

  it('finds them in either order with up to two words between', () => {
    expect(ids('my tubes are blocked')).toEqual(['tubal-factor']);
    expect(ids('the antipsychotic raised my prolactin')).toEqual(['hyperprolactinaemia']);
    expect(ids('blocked on both sides are my tubes')).toEqual([]); // four words between
  });

  it('finds an "A de B" name with up to two words before its "de", in that order only', () => {
    expect(ids('la concentracion minima normal de espermatozoides')).toEqual(['sperm-concentration']);
    expect(ids('concentracion de espermatozoides')).toEqual([]); // `match` reports it
    expect(ids('concentracion muy baja y normal de espermatozoides')).toEqual([]); // three words before "de"
    expect(ids('espermatozoides de concentracion')).toEqual([]);
  });

  it('leaves what the contiguous match finds, numbers, other phrases between and other clauses', () => {
    expect(ids('blocked tubes on the scan')).toEqual([]); // `match` reports it
    expect(ids('should he have a sperm dna fragmentation test')).toEqual([]);
    expect(ids('we have 3 frozen embryos')).toEqual([]);
    // "tubes" ends one clause, "blocked" starts the next: tokens 0–1 | 2–3.
    expect(ids('my tubes blocked again', new Set([2]))).toEqual([]);
  });

  it('never throws and reports spans inside the tokens on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'my',
            'tubes',
            'are',
            'blocked',
            'raised',
            'prolactin',
            'x',
            'de',
            'concentración',
            'espermatozoides',
          ),
          {
            maxLength: 30,
          },
        ),
        (toks) => {
          for (const x of m.matchSeparated(toks, { maxGap: 2, contiguous: m.match(toks) })) {
            expect(x.start).toBeGreaterThanOrEqual(0);
            expect(x.end).toBeLessThanOrEqual(toks.length);
          }
        },
      ),
    );
  });
});
