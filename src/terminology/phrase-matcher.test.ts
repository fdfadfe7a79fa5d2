import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arabicWithoutPreposition, PhraseMatcher } from './phrase-matcher.js';
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
