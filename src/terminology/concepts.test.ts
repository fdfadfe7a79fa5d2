import { describe, expect, it } from 'vitest';
import { getConcepts, parseConcepts, LANGUAGES } from './concepts.js';

describe('concept terminology', () => {
  const t = getConcepts();

  it('loads the bundled file with unique ids and known broader links', () => {
    expect(t.all().length).toBeGreaterThan(80);
    expect(t.isConcept('ivf')).toBe(true);
    expect(t.isConcept('amh')).toBe(false); // analytes live in analytes.yaml
  });

  it.each([
    ['Should we try IVF now?', 'ivf'],
    ['Faut-il passer à la FIV ?', 'ivf'],
    ['¿Conviene la fecundación in vitro?', 'ivf'],
    ['Sollen wir eine In-vitro-Fertilisation machen?', 'ivf'],
    ['Devemos fazer fertilização in vitro?', 'ivf'],
    ['هل نلجأ إلى أطفال الأنابيب؟', 'ivf'],
    ['I have polycystic ovary syndrome', 'pcos'],
    ["J'ai un SOPK", 'pcos'],
    ['síndrome de ovario poliquístico', 'pcos'],
    ['letrozol o clomifeno', 'letrozole'],
    ['ovarielles Überstimulationssyndrom', 'ohss'],
    ['syndrome d’hyperstimulation ovarienne', 'ohss'],
    ['متلازمة فرط تنبيه المبيض', 'ohss'],
    ['grossesse extra-utérine', 'ectopic-pregnancy'],
    // Colloquial and singular forms found on a read validation file (2026-11-26, sixth session).
    ['طلع عندي هرمون الحليب مرتفع في تحليل واحد', 'hyperprolactinaemia'],
    ['Descobri que tenho uma trompa obstruída', 'tubal-factor'],
    ['Pourquoi la clinique refuse de transférer les deux en même temps ?', 'embryo-transfer'],
    ['رقم طوارئ أثناء فترة الإبر المنشطة', 'gonadotropins'],
    ['مزوجين من 8 شهور ومازال ما جاش الحمل', 'infertility'],
    ['أنا حامل بالأسبوع السابع وطلع تحليل الـ TSH عندي 3.1', 'early-pregnancy'],
    ['Je suis enceinte de 6 SA, TSH à 2,9', 'early-pregnancy'],
  ])('finds the concept in %s', (text, id) => {
    expect(
      t
        .matcher()
        .match(text)
        .map((m) => m.id),
    ).toContain(id);
  });

  it('prefers the longest phrase', () => {
    const ids = t
      .matcher()
      .match('single embryo transfer after a frozen embryo transfer')
      .map((m) => m.id);
    expect(ids).toEqual(['single-embryo-transfer', 'frozen-embryo-transfer']);
  });

  it('does not match common words that only look like abbreviations', () => {
    // "et" (French "and"), "ist" (German "is"), "its" (English) must not be concepts.
    expect(t.matcher().match('le FSH et la LH; es ist gut; its value')).toEqual([]);
  });

  it('reads a pregnancy now, not the wish for one, as early pregnancy', () => {
    const ids = (text: string) =>
      t
        .matcher()
        .match(text)
        .map((m) => m.id);
    expect(ids("I'm 7 weeks pregnant, do I keep taking folic acid?")).toContain('early-pregnancy');
    expect(ids('How long does it usually take to get pregnant?')).not.toContain('early-pregnancy');
    expect(ids('Wie werde ich schneller schwanger?')).not.toContain('early-pregnancy');
  });

  it('walks broader and narrower links', () => {
    expect(t.ancestors('icsi')).toEqual(expect.arrayContaining(['icsi', 'ivf', 'art']));
    expect(t.descendants('ivf')).toContain('icsi');
  });

  it('has synonyms in every language for the core treatment concepts', () => {
    for (const id of ['ivf', 'iui', 'icsi', 'pcos', 'ohss', 'ectopic-pregnancy', 'endometriosis']) {
      for (const lang of LANGUAGES) expect(t.concept(id)![lang].length, `${id}.${lang}`).toBeGreaterThan(0);
    }
  });

  it('rejects a bad file with a message naming the entry', () => {
    expect(() =>
      parseConcepts('version: 1\nconcepts:\n  - id: x\n    kind: nonsense\n    en: [x]\n'),
    ).toThrow(/concepts\.0\.kind/);
    expect(() =>
      parseConcepts('version: 1\nconcepts:\n  - id: a\n    kind: topic\n    broader: [zz]\n    en: [a]\n'),
    ).toThrow(/unknown broader concept "zz"/);
  });
});
