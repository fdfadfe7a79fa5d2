import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../domain/evidence.js';
import { stem5 } from '../retrieve/knowledge.js';
import { quantityGiven, type QuestionContext } from './relevance.js';

/** A question context with only what `quantityGiven` reads; index terms are the words themselves. */
function question(opts: {
  terms: string[];
  english?: boolean;
  bank?: string[];
  sentences: string[];
}): QuestionContext {
  const bank = new Set(opts.bank ?? opts.terms);
  return {
    terms: opts.terms,
    quantity: 'dose',
    quantityFrame: new Set(['much', 'dose']),
    english: opts.english ?? true,
    bankHasTerm: (t: string) => bank.has(t),
    questionNumbers: new Set<string>(),
    sentencesOf: () =>
      opts.sentences.map((text) => ({
        text,
        stems: new Set(
          text
            .toLowerCase()
            .match(/[a-z]+/g)!
            .map(stem5),
        ),
      })),
  } as unknown as QuestionContext;
}

const entry = (): Evidence => ({ key: 'kb:x', concepts: [] }) as unknown as Evidence;

describe('quantityGiven', () => {
  it('needs two of the question’s topic terms in the sentence that gives the number', () => {
    const q = question({
      terms: ['alcohol', 'trying'],
      sentences: ['Women who are trying should drink no more than 2 units of alcohol a week.'],
    });
    expect(quantityGiven(q, entry())).toBe(true);
    const other = question({
      terms: ['alcohol', 'semen'],
      sentences: ['Drink no more than 2 units of alcohol.'],
    });
    expect(quantityGiven(other, entry())).toBe(false);
  });

  it('asks a foreign question’s sentence only for the terms the bank writes', () => {
    // "Wie viel Alkohol ist in der Kinderwunschzeit noch okay?": the untranslated words cannot be shared.
    const q = question({
      terms: ['alcohol', 'kinderwunschzeit', 'okay'],
      english: false,
      bank: ['alcohol'],
      sentences: ['Drink no more than 2 units of alcohol a week.'],
    });
    expect(quantityGiven(q, entry())).toBe(true);
    // In English an unknown word stays required (it is as often an invented product).
    const en = question({
      terms: ['alcohol', 'fertilozan'],
      bank: ['alcohol'],
      sentences: ['Drink 2 units of alcohol.'],
    });
    expect(quantityGiven(en, entry())).toBe(false);
  });
});
