/**
 * @module pipeline/understand/definition
 * Questions that ask what a term means or where its threshold lies ("what counts as
 * infertility?", "que signifie asthénozoospermie ?", "ما هو تعريف العقم؟") are answered by the
 * bank's `definition` entries, which share few words with the question beyond the term itself
 * ("considered", "counts as" and "mean" appear in many recommendations too). The re-ranker gets
 * this as a pair feature (see rerank/relevance): whether the question asks for a definition and
 * the entry is one, and whether an entry is a definition the question did not ask for.
 * Phrases are matched on folded text, word-bounded, in the six languages.
 */
import { foldText } from '../../terminology/text.js';

/** Folded phrases (diacritics removed, Arabic normalised as terminology/text does). */
const DEFINITION_PHRASES: readonly string[] = [
  // English
  'what does',
  'mean',
  'means',
  'meaning',
  'define',
  'defined',
  'defines',
  'definition',
  'count as',
  'counts as',
  'counted as',
  'count towards',
  'considered',
  'classed as',
  'classified as',
  'what is called',
  'is that called',
  // French
  'que signifie',
  'que veut dire',
  'veut dire',
  'definition de',
  'definit',
  'considere',
  'consideree',
  // Spanish
  'que significa',
  'significa',
  'definicion',
  'se considera',
  'se consideran',
  'considera',
  // German
  'was bedeutet',
  'was bedeuten',
  'bedeutet',
  'definition',
  'gilt als',
  'gelten als',
  // Portuguese
  'o que significa',
  'significa',
  'definicao',
  'considerado',
  'considerada',
  'conta como',
  // Arabic (folded: hamza forms and ta marbuta normalised)
  'تعريف',
  'ماذا يعني',
  'ما معنى',
  'يعني',
];

/**
 * "What is …?" openers ask for a definition only in a short question ("What is OHSS?", "O que é
 * reserva ovariana?"); in a longer one they open anything ("What is the best treatment for …").
 */
const SHORT_QUESTION_OPENERS: readonly string[] = [
  'what is',
  'what are',
  'qu est ce que',
  'qu est ce qu',
  'c est quoi',
  'que es',
  'que son',
  'was ist',
  'was sind',
  'o que e',
  'o que sao',
  'ما هو',
  'ما هي',
];
/** At most this many words for an opener to count (the opener's own words included). */
const SHORT_QUESTION_WORDS = 7;

const spaced = (folded: string): string => ` ${folded.replace(/[^\p{L}\p{N}]+/gu, ' ')} `;
const PHRASES = [...new Set(DEFINITION_PHRASES.map((p) => spaced(foldText(p))))];
const OPENERS = [...new Set(SHORT_QUESTION_OPENERS.map((p) => spaced(foldText(p))))];

/** Whether the question asks what a term means, or what counts as it. */
export function asksDefinition(question: string): boolean {
  const t = spaced(foldText(question));
  if (PHRASES.some((p) => t.includes(p))) return true;
  const words = t.trim().split(' ').length;
  return words <= SHORT_QUESTION_WORDS && OPENERS.some((p) => t.includes(p));
}
