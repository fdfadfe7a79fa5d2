import { describe, expect, it } from 'vitest';
import { compileGlossary } from './glossary.js';

const g = compileGlossary({
  version: 1,
  entries: [
    {
      en: ['pregnancy', 'pregnant'],
      fr: ['grossesse', 'enceinte'],
      es: ['embarazo'],
      de: ['Schwangerschaft'],
      pt: ['gravidez'],
      ar: ['حمل'],
    },
    { en: ['week'], fr: ['semaine', 'semaines'], es: ['semana'], de: ['Woche'], pt: ['semana'], ar: [] },
    { en: ['blood test'], fr: ['prise de sang'], es: [], de: [], pt: [], ar: [] },
  ],
});

describe('glossary', () => {
  it('maps folded foreign words to the English words of their entry', () => {
    expect(g.translate(['grossesse', 'de', 'semaines'])).toEqual(['pregnancy', 'pregnant', 'week']);
    expect(g.english('schwangerschaft')).toEqual(['pregnancy', 'pregnant']);
    expect(g.english('الحمل')).toEqual(['pregnancy', 'pregnant']); // Arabic article stripped
    expect(g.english('لحمل')).toEqual(['pregnancy', 'pregnant']); // attached "ل" (for) when unknown
    expect(g.translate(['لحمل'])).toEqual(['pregnancy', 'pregnant']);
  });

  it('finds an inflection the entry does not list by its ending ("semanas", "Schwangerschaften"), not a short word', () => {
    expect(g.english('semanas')).toEqual(['week']);
    expect(g.english('schwangerschaften')).toEqual(['pregnancy', 'pregnant']);
    expect(g.english('grossesses')).toEqual(['pregnancy', 'pregnant']);
    // The stem must keep four letters.
    expect(g.english('ses')).toBeUndefined();
    // Language detection counts listed words only.
    expect(g.languagesOf('semanas')).toEqual([]);
  });

  it('reads a Spanish or Portuguese infinitive with a pronoun written onto it ("revisarme")', () => {
    const check = compileGlossary({
      version: 1,
      entries: [{ en: ['check'], fr: ['vérifier'], es: ['revisar'], de: [], pt: ['verificar'], ar: [] }],
    });
    expect(check.english('revisarme')).toEqual(['check']);
    expect(check.english('verificarlos')).toEqual(['check']);
    expect(check.english('revisarmela')).toBeUndefined();
    expect(check.english('arme')).toBeUndefined();
  });

  it('translates a German compound by its last part, in German only', () => {
    const dose = compileGlossary({
      version: 1,
      entries: [{ en: ['dose'], fr: [], es: [], de: ['Dosis'], pt: [], ar: [] }],
    });
    expect(dose.translate(['startdosis'], 'de')).toEqual(['dose']);
    expect(dose.translate(['startdosis'], 'fr')).toEqual([]);
    expect(dose.translate(['dosis'], 'de')).toEqual(['dose']);
    // Words under nine letters are not split, nor before a last part under five letters.
    expect(dose.translate(['xxdosis'], 'de')).toEqual([]);
    const eat = compileGlossary({
      version: 1,
      entries: [{ en: ['eat'], fr: [], es: [], de: ['isst'], pt: [], ar: [] }],
    });
    expect(eat.translate(['vergisst'], 'de')).toEqual([]);
    expect(eat.translate(['ichvergisst'], 'de')).toEqual([]);
  });

  it('skips multi-word foreign phrases (word-level lookup)', () => {
    expect(g.english('prise')).toBeUndefined();
  });

  it('rejects a malformed file naming the field', () => {
    expect(() => compileGlossary({ version: 1, entries: [{ fr: ['x'] }] })).toThrow(/entries\.0\.en/);
  });
});
