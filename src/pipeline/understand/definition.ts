/**
 * @module pipeline/understand/definition
 * Questions that ask what a term means or where its threshold lies ("what counts as
 * infertility?", "que signifie asthénozoospermie ?", "ما هو تعريف العقم؟") are answered by the
 * bank's `definition` entries, which share few words with the question beyond the term itself
 * ("considered", "counts as" and "mean" appear in many recommendations too). The re-ranker gets
 * this as a pair feature (see rerank/relevance): whether the question asks for a definition and
 * the entry is one, and whether an entry is a definition the question did not ask for; and the
 * frame's own words ("counts", "considered") are left out of the lexical search (see
 * understand/index). Phrases are matched on folded text, word-bounded, in the six languages.
 */
import { escapeRegExp, foldText } from '../../terminology/text.js';

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
  "it's called",
  'it is called',
  'what is meant by',
  'explain what',
  'stand for',
  'stands for',
  // French
  'que signifie',
  'que veut dire',
  'veut dire',
  'ca veut dire quoi',
  'definition de',
  'definit',
  'considere',
  'consideree',
  'parle-t-on de',
  "parle-t-on d'",
  // Spanish
  'que significa',
  'significa',
  'que quiere decir',
  'quiere decir',
  'definicion',
  'se considera',
  'se consideran',
  'considera',
  'se habla de',
  // German
  'was bedeutet',
  'was bedeuten',
  'was heisst',
  'was heißt',
  'bedeutet',
  'definition',
  'gilt als',
  'gelten als',
  // The same with the subject between verb and "als"/"von" ("Ab wann gilt man als unfruchtbar?",
  // "Ab wann spricht man von Unfruchtbarkeit?", "Was versteht man unter …?").
  'gilt man als',
  'spricht man von',
  'versteht man unter',
  // Portuguese
  'o que significa',
  'significa',
  'o que quer dizer',
  'quer dizer',
  'definicao',
  'considerado',
  'considerada',
  'conta como',
  'se fala em',
  'se fala de',
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

const spaced = (folded: string): string => ` ${folded.replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
const PHRASES = [...new Set(DEFINITION_PHRASES.map((p) => spaced(foldText(p))))];
const OPENERS = [...new Set(SHORT_QUESTION_OPENERS.map((p) => spaced(foldText(p))))];

/**
 * The words of "counts as", "is considered", "gilt als"… that say nothing about the topic, and that
 * a lexical search would match against the wrong entries: "count" is the sperm or follicle count,
 * "considered" is in every "should be considered" recommendation. Folded, one word each; left out
 * of the question's search text when they stand in such a phrase ("what counts as infertility?"
 * searches "infertility"; "what is a low sperm count?" keeps "count"). "mean", "define" and
 * "definition" are kept: definition entries use them.
 */
const FRAME_PHRASES: ReadonlyMap<string, readonly string[]> = new Map(
  (
    [
      ['count as', ['count']],
      ['counts as', ['counts']],
      ['counted as', ['counted']],
      ['count towards', ['count', 'towards']],
      ['considered', ['considered']],
      ['classed as', ['classed']],
      ['classified as', ['classified']],
      ['considere', ['considere']],
      ['consideree', ['consideree']],
      ['consideres', ['consideres']],
      ['se considera', ['considera']],
      ['se consideran', ['consideran']],
      ['gilt als', ['gilt']],
      ['gelten als', ['gelten']],
      ['considerado', ['considerado']],
      ['considerada', ['considerada']],
      ['conta como', ['conta']],
    ] as const
  ).map(([phrase, drop]) => [foldText(phrase), drop.map((w) => foldText(w))] as const),
);
// One scan of the spaced, folded question for every frame phrase: word-bounded by the spaces, and
// a lookahead so that overlapping phrases ("se considera" and "considera…") are all found.
const FRAME_PATTERN = new RegExp(
  `(?= (${[...FRAME_PHRASES.keys()]
    .map(escapeRegExp)
    .sort((a, b) => b.length - a.length)
    .join('|')}) )`,
  'gu',
);

/** What the question says about definitions: whether it asks for one, and its frame words. */
export interface DefinitionReading {
  asks: boolean;
  /** The folded words of its definition frames (empty when it has none). */
  frameWords: ReadonlySet<string>;
}

/** Read the question once for {@link asksDefinition} and its frame words. */
export function readDefinition(question: string): DefinitionReading {
  const t = spaced(foldText(question));
  const frameWords = new Set<string>();
  for (const m of t.matchAll(FRAME_PATTERN)) for (const w of FRAME_PHRASES.get(m[1]!)!) frameWords.add(w);
  return { asks: asksFolded(t), frameWords };
}

/** The folded words of the question's definition frames (empty when it has none). */
export function definitionFrameWords(question: string): ReadonlySet<string> {
  return readDefinition(question).frameWords;
}

/** Whether the question asks what a term means, or what counts as it. */
export function asksDefinition(question: string): boolean {
  return asksFolded(spaced(foldText(question)));
}

function asksFolded(t: string): boolean {
  if (PHRASES.some((p) => t.includes(p))) return true;
  const words = t.trim().split(' ').length;
  return words <= SHORT_QUESTION_WORDS && OPENERS.some((p) => t.includes(p));
}
