import { describe, expect, it } from 'vitest';
import { foldTokens } from '../../terminology/text.js';
import { detectLanguage } from './language.js';

describe('detectLanguage', () => {
  it.each([
    ['Should we try IVF now or wait?', 'en'],
    ['Faut-il faire une FIV après deux ans ?', 'fr'],
    ['¿Cuántos embriones se deben transferir?', 'es'],
    ['Beeinflusst Koffein die Fruchtbarkeit?', 'de'],
    ['Fumar maconha atrapalha a fertilidade?', 'pt'],
    ['Quais exames devemos fazer depois de três abortos espontâneos?', 'pt'],
    ['هل يؤثر التدخين على الخصوبة؟', 'ar'],
    ['AMH', 'en'],
  ] as const)('%s → %s', (q, lang) => {
    expect(detectLanguage(q, foldTokens(q))).toBe(lang);
  });
});
