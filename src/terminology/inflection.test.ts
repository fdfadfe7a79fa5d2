import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from './concepts.js';
import { synonymForms } from './inflection.js';

describe('synonymForms', () => {
  it('gives a German adjective before a noun its other endings', () => {
    expect(synonymForms('de', 'wiederholte Fehlgeburten')).toEqual([
      'wiederholte Fehlgeburten',
      'wiederholtem Fehlgeburten',
      'wiederholten Fehlgeburten',
      'wiederholter Fehlgeburten',
      'wiederholtes Fehlgeburten',
    ]);
    expect(synonymForms('de', 'ovarielles Überstimulationssyndrom')).toContain(
      'ovarielle Überstimulationssyndrom',
    );
  });

  it('leaves nouns, the last word, short stems, single words and other languages alone', () => {
    expect(synonymForms('de', 'Fehlgeburte')).toEqual(['Fehlgeburte']);
    expect(synonymForms('de', 'Transfer eines Embryos')).toEqual(['Transfer eines Embryos']);
    expect(synonymForms('de', 'nach dem Transfer')).toEqual(['nach dem Transfer']);
    expect(synonymForms('de', 'unter Stimulation')).toEqual(['unter Stimulation']);
    expect(synonymForms('fr', 'fausses couches répétées')).toEqual(['fausses couches répétées']);
  });

  it('keeps a synonym with odd spacing as written', () => {
    expect(synonymForms('de', ' wiederholte  Fehlgeburten')[0]).toBe(' wiederholte  Fehlgeburten');
  });

  it('always returns the synonym itself first, and no duplicates', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LANGUAGES), fc.string({ maxLength: 40 }), (lang, s) => {
        const forms = synonymForms(lang, s);
        expect(forms[0]).toBe(s);
        expect(new Set(forms).size).toBe(forms.length);
      }),
    );
  });
});
