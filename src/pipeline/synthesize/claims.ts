/**
 * @module pipeline/synthesize/claims
 * What a sentence claims, in forms that can be checked against evidence: numbers (with units),
 * terminology terms, and polarity (recommends vs advises against / no benefit).
 */
import { foldText, foldTokens } from '../../terminology/text.js';
import type { Vocabulary } from '../../terminology/vocabulary.js';

const NUMBER_WORDS: Record<string, string> = {
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  twenty: '20',
  thirty: '30',
  forty: '40',
  fifty: '50',
  hundred: '100',
  once: '1',
  twice: '2',
  single: '1',
  half: '0.5',
};
// Digits with an optional decimal part (point or comma); linear, no nested quantifiers.
const NUMBER = /\d+(?:[.,]\d+)?/g;

/** Numbers mentioned in `text`, normalised (decimal comma → point, "three" → 3, trailing .0 dropped). */
export function numbersIn(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.match(NUMBER) ?? []) out.add(normaliseNumber(m));
  for (const t of foldTokens(text)) {
    const w = NUMBER_WORDS[t];
    if (w) out.add(w);
  }
  return [...out];
}

function normaliseNumber(s: string): string {
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? String(n) : s;
}

const NEGATIVE_CUES = [
  'not recommended',
  'not be used',
  'not be offered',
  'should not',
  'do not',
  "don't",
  'does not',
  'did not',
  'is not',
  'are not',
  'no benefit',
  'no evidence',
  'not shown',
  'no better',
  'not improve',
  'avoid',
  'advise against',
  'advises against',
  'recommend against',
  'recommends against',
  'against routine',
  'ineffective',
  'not effective',
  'unnecessary',
  'not needed',
  'not necessary',
  'never',
  'insufficient evidence',
  'cannot be recommended',
];

export type Polarity = 'positive' | 'negative';

/** Whether a sentence argues for or against (a coarse check used by the citation verifier). */
export function polarityOf(text: string): Polarity {
  const f = ' ' + foldText(text).replace(/\s+/g, ' ') + ' ';
  return NEGATIVE_CUES.some(
    (c) => f.includes(' ' + c + ' ') || f.includes(' ' + c + ',') || f.includes(' ' + c + '.'),
  )
    ? 'negative'
    : 'positive';
}

/** Terminology ids mentioned (not negated-aware: any mention counts as a claim about the topic). */
export function termsIn(text: string, vocabulary: Vocabulary): string[] {
  return [...new Set(vocabulary.matcher.match(text).map((m) => m.id))];
}
