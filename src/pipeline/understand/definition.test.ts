import fc from 'fast-check';
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
    // The subject between verb and particle, and a phrase ending in an elided article.
    'Ab wann gilt man als unfruchtbar?',
    'Ab wann spricht man von Unfruchtbarkeit?',
    'Was versteht man unter einer Low-Responderin?',
    'À partir de quand parle-t-on d’infertilité ?',
    '¿Cuándo se habla de infertilidad?',
    'How many miscarriages before it’s called recurrent?',
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

describe('definition frame words: one scan finds what a phrase-by-phrase search finds', () => {
  // The reference: each phrase looked for on its own in the spaced, folded text.
  const PHRASES: Array<[string, string[]]> = [
    ['count as', ['count']],
    ['counts as', ['counts']],
    ['counted as', ['counted']],
    ['count towards', ['count', 'towards']],
    ['considered', ['considered']],
    ['se considera', ['considera']],
    ['se consideran', ['consideran']],
    ['gilt als', ['gilt']],
    ['conta como', ['conta']],
  ];
  const reference = (q: string): Set<string> => {
    const t = ` ${q.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
    const out = new Set<string>();
    for (const [p, drop] of PHRASES) if (t.includes(` ${p} `)) for (const w of drop) out.add(w);
    return out;
  };
  const words = [
    'count',
    'counts',
    'as',
    'towards',
    'considered',
    'se',
    'considera',
    'consideran',
    'gilt',
    'als',
    'conta',
    'como',
    'amh',
    'low',
    '?',
    ',',
  ];

  it('on questions made of frame words, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 12 }), (ws) => {
        const q = ws.join(' ');
        expect([...definitionFrameWords(q)].sort()).toEqual([...reference(q)].sort());
      }),
      { numRuns: 500 },
    );
  });
});
