import { describe, expect, it } from 'vitest';
import { asksDefinition, definitionFrameWords } from './definition.js';

describe('definition questions', () => {
  it.each([
    'How long do we have to try before it officially counts as infertility?',
    'What does asthenozoospermia mean?',
    'What is OHSS?',
    'What BMI counts as obese?',
    '¿Qué se considera infertilidad?',
    'Que signifie asthénozoospermie sur un spermogramme ?',
    'Was bedeutet "ungeklärte Unfruchtbarkeit"?',
    'O que é reserva ovariana?',
    'Qual é a definição de infertilidade?',
    'هذا أمر طارئ جداً!!! ما هو تعريف العقم؟',
    'ما هو قصور الغدة الدرقية تحت السريري؟',
  ])('"%s" asks for a definition', (q) => expect(asksDefinition(q)).toBe(true));

  it.each([
    'What is the best treatment for unexplained infertility after two years of trying?',
    'Does smoking affect fertility?',
    'Should we go straight to IVF?',
    'How many embryos should be transferred?',
    '¿Cuánto cuesta la FIV en España?',
    'Is IVF better than IUI for unexplained infertility?',
    // Words that contain a phrase are not the phrase ("meant" is not "mean", "whatis" not "what is").
    'We meant to ask about letrozole dosing',
  ])('"%s" does not', (q) => expect(asksDefinition(q)).toBe(false));
});

describe('definition frame words', () => {
  it.each([
    ['What counts as infertility?', ['counts']],
    ['How long before it is considered infertility?', ['considered']],
    ['Qu’est-ce qui est considéré comme une infertilité ?', ['considere']],
    ['¿Qué se considera infertilidad?', ['considera']],
    ['Was gilt als Unfruchtbarkeit?', ['gilt']],
    ['O que conta como infertilidade?', ['conta']],
    ['What does a low sperm count mean?', []],
    ['We counted the days as the nurse said', []],
  ])('"%s" → %j', (q, expected) => expect([...definitionFrameWords(q)]).toEqual(expected));
});
