import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clauseStarts, compileNegation, getNegation } from './negation.js';
import { foldTokens } from './text.js';

const negation = getNegation();
const negated = (text: string, phrase: string): boolean => {
  const tokens = foldTokens(text);
  const start = tokens.indexOf(phrase);
  if (start < 0) throw new Error(`"${phrase}" is not a token of "${text}"`);
  return negation.isNegated(tokens, start, clauseStarts(text));
};

describe('negation', () => {
  it('negates within the window', () => {
    expect(negated('I have no fever', 'fever')).toBe(true);
    expect(negated('sans douleur', 'douleur')).toBe(true);
    expect(negated('kein Fieber seit gestern', 'fieber')).toBe(true);
  });

  it('stops at the end of a clause', () => {
    expect(negated('Just say yes or no: I have OHSS', 'ohss')).toBe(false);
    expect(negated('No. Fever since yesterday', 'fever')).toBe(false);
    expect(negated('¿No sé? Tengo fiebre', 'fiebre')).toBe(false);
  });

  it('stops at a terminator word ("but", "mais", "pero", "aber")', () => {
    expect(negated('no fever but bleeding', 'bleeding')).toBe(false);
    expect(negated('pas de fièvre mais saignement', 'saignement')).toBe(false);
    expect(negated('sin fiebre pero sangrado', 'sangrado')).toBe(false);
    expect(negated('kein Fieber aber Blutung', 'blutung')).toBe(false);
  });

  it('does not negate what a cue next to a verb of stopping says goes on ("can\'t stop vomiting")', () => {
    expect(negated("I can't stop vomiting since the trigger", 'vomiting')).toBe(false);
    expect(negated('no paro de vomitar desde el ovitrelle', 'vomitar')).toBe(false);
    expect(negated('ela não para de vomitar', 'vomitar')).toBe(false);
    expect(negated("elle n'arrête pas de vomir", 'vomir')).toBe(false);
    expect(negated('sie hört nicht auf zu bluten', 'bluten')).toBe(false);
    // Without the verb of stopping the same cues still negate.
    expect(negated("I can't feel any pain", 'pain')).toBe(true);
    expect(negated('ela não tem dor', 'dor')).toBe(true);
    expect(() =>
      compileNegation({ version: 1, negationWindow: 3, negators: ['no'], continuers: ['no'] }),
    ).toThrow(/both a negator and a continuer/);
  });

  it('does not negate in a question opened by a negative auxiliary and its subject', () => {
    expect(negated("Wouldn't transferring two embryos give us twice the chance?", 'embryos')).toBe(false);
    expect(negated("Don't I need a semen analysis first?", 'semen')).toBe(false);
    expect(negated("OK. Isn't it too early to test?", 'test')).toBe(false);
    // A statement without a subject, or the auxiliary inside the clause, still negates.
    expect(negated("Don't have any pain, just spotting", 'pain')).toBe(true);
    expect(negated("We didn't have any bleeding", 'bleeding')).toBe(true);
    expect(negated("Can't feel any pain", 'pain')).toBe(true);
  });

  it('refuses a word listed both as negator and terminator', () => {
    expect(() =>
      compileNegation({ version: 1, negationWindow: 3, negators: ['no', 'but'], terminators: ['but'] }),
    ).toThrow(/both a negator and a terminator/);
  });
});

describe('clauseStarts', () => {
  it('marks the first token of each clause after the first', () => {
    expect([...clauseStarts('yes or no: I have OHSS. Can I wait?')]).toEqual([3, 6]);
  });

  it('does not cut numbers or abbreviations with inner punctuation', () => {
    expect([...clauseStarts('TSH 2.5 and A&E at 3:30')]).toEqual([]);
  });

  it('always gives indexes inside the text’s tokens (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const n = foldTokens(text).length;
        for (const i of clauseStarts(text)) {
          expect(i).toBeGreaterThan(0);
          expect(i).toBeLessThan(n);
        }
      }),
    );
  });

  it('never negates across a clause start that a cue precedes (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('no', 'not', 'sans', 'sin', 'kein', 'sem'),
        fc.constantFrom('.', ':', ';', '!', '?'),
        fc.constantFrom('fever', 'pain', 'bleeding'),
        (cue, stop, word) => {
          const text = `${cue}${stop} ${word}`;
          const tokens = foldTokens(text);
          expect(negation.isNegated(tokens, 1, clauseStarts(text))).toBe(false);
          expect(negation.isNegated(tokens, 1)).toBe(true);
        },
      ),
    );
  });
});
