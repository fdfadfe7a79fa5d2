/**
 * @module pipeline/understand
 * Question understanding (issue 5 item 1): the question's language, its concepts and analytes
 * through the same terminology that normalizes lab reports, which of them are negated, and any
 * instruction-like text (prompt injection), which is removed from what steers retrieval.
 */
import type { Language } from '../../terminology/concepts.js';
import type { Glossary } from '../../terminology/glossary.js';
import { clauseStarts, type Negation } from '../../terminology/negation.js';
import { PhraseMatcher, type PhraseMatch } from '../../terminology/phrase-matcher.js';
import { englishTier } from '../../terminology/english-words.js';
import { porter2 } from '../retrieve/porter2.js';
import { asciiDigits, foldTokens } from '../../terminology/text.js';
import type { TermKind, Vocabulary } from '../../terminology/vocabulary.js';
import { readDefinition } from './definition.js';
import { scanForInjection } from './injection.js';
import { detectLanguage, FUNCTION_WORDS } from './language.js';

export interface QuestionTerm {
  id: string;
  kind: TermKind;
  synonym: string;
  negated: boolean;
  /** Token span in `tokens`. */
  start: number;
  end: number;
}

export interface UnderstoodQuestion {
  /** The question with instruction-like sentences removed; what retrieval sees. */
  text: string;
  language: Language;
  /** Folded word tokens of `text`, spelling-corrected against the known vocabulary. */
  tokens: string[];
  /** `tokens` joined: what lexical retrieval searches. */
  searchText: string;
  /** Words corrected, original → corrected. */
  corrections: Array<[string, string]>;
  terms: QuestionTerm[];
  /** Ids mentioned and not negated, in order of appearance, deduplicated. */
  concepts: string[];
  /** Ids mentioned under negation ("no PCOS"). */
  negatedConcepts: string[];
  injection: { detected: boolean; removedSentences: number };
  /**
   * "IUI with stimulation, or IVF now?": two sides, each a list of treatment/procedure/test
   * concepts, when the question sets options against each other; null otherwise.
   */
  comparison: { sides: [string[], string[]] } | null;
  /** Whether it asks what a term means or what counts as it, on the text as written (definition.ts). */
  asksDefinition: boolean;
  /**
   * In another language than English: the share of its content words (three letters or more, not a
   * number, not a function word of the language) that the terminology or the glossary knows — what
   * the bank's vocabulary coverage is for an English question. 0 for English.
   */
  knownShare: number;
  /**
   * In another language than English: the English the question is searched with — its ordinary
   * words through the glossary, its terminology phrases by their concepts' names, its corrections.
   * Empty for English. (The calibrator reads it beside the question: see calibratorText.)
   */
  englishGloss: string[];
  /**
   * In another language than English: the question's tokens that are known words of that language
   * although the bank (written in English) never uses them — a word the glossary translates, a
   * function word, a word inside a phrase the terminology recognised. They are not novel words in
   * the calibrator's sense (which are what an invented product name looks like). Empty for English.
   */
  knownForeignWords: ReadonlySet<string>;
}

/** Words that set two options against each other, in the six languages (folded). */
const DISJUNCTIONS = new Set(['or', 'vs', 'versus', 'ou', 'o', 'oder', 'أو', 'او', 'ام', 'أم']);
const OPTION_KINDS = new Set(['treatment', 'procedure', 'test']);

function findComparison(
  terms: readonly QuestionTerm[],
  tokens: readonly string[],
  clauseStarts: ReadonlySet<number>,
): UnderstoodQuestion['comparison'] {
  const options = terms.filter((t) => !t.negated && OPTION_KINDS.has(t.kind));
  if (options.length < 2) return null;
  for (let i = 0; i < tokens.length; i++) {
    if (!DISJUNCTIONS.has(tokens[i]!)) continue;
    // The options an "or" sets against each other are in its own sentence: "his count is a bit low.
    // Should he have surgery or go straight to IVF?" does not weigh the semen analysis against IVF.
    let from = 0;
    let to = tokens.length;
    for (const c of clauseStarts) {
      if (c <= i && c > from) from = c;
      if (c > i && c < to) to = c;
    }
    const before = [...new Set(options.filter((t) => t.start >= from && t.end <= i).map((t) => t.id))];
    const after = [...new Set(options.filter((t) => t.start > i && t.end <= to).map((t) => t.id))];
    if (
      before.length > 0 &&
      after.length > 0 &&
      !(before.length === 1 && after.length === 1 && before[0] === after[0])
    ) {
      return { sides: [before, after] };
    }
  }
  return null;
}

const DIGITS = /^\d+$/;
/** Languages that join words into one ("Kinderwunschzentrum"): the terminology splits their long words. */
const COMPOUNDING: ReadonlySet<string> = new Set(['de', 'en']);
/** A number as written (decimal point or comma kept). */
const NUMBER_AS_WRITTEN = /\d+(?:[.,]\d+)?/g;
/** The two words just before a position (what a number follows), within one sentence. */
const WORDS_BEFORE = /(?:(\p{L}+)[^\p{L}\p{N}.?!¿¡]+)?(\p{L}+)[^\p{L}\p{N}]*$/u;
/**
 * A number after these words is the couple's own value ("I'm 32", "j'ai 36 ans", "ich bin 32",
 * "tengo 41 años", "tenho 30 anos", "عمري 30"; folded). Such a number says nothing about which entry
 * answers: as a search term it only finds entries that happen to contain it (the WHO 32 % motility
 * limit for "Ich bin 32").
 */
const FIRST_PERSON_CUES = new Set(['m', 'am', 'ai', 'bin', 'tengo', 'tenho', 'sou', 'عمري']);
/**
 * The same after a copula with a subject before it ("my BMI is 32", "mon AMH est 0,8", "mi IMC es
 * 32", "o meu IMC é 32"), but not a copula that opens the question ("Is 35 too old?"). Portuguese
 * "é" is told apart from "e" ("and": "entre 30 e 35 anos") before folding.
 */
const COPULAS = new Set(['is', 'was', 'ist', 'est', 'es', 'é']);

/** Whether the number starting at `start` follows words that make it the couple's own value. */
function ownValue(text: string, start: number): boolean {
  const m = WORDS_BEFORE.exec(text.slice(Math.max(0, start - 60), start));
  if (!m) return false;
  const word = m[2]!;
  if (FIRST_PERSON_CUES.has(foldTokens(word).at(-1) ?? '')) return true;
  return m[1] !== undefined && COPULAS.has(word.toLowerCase());
}

/**
 * The numbers lexical search sees: as written, so that "2.5" is one term as it is in the bank (folded
 * tokens split it into "2" and "5", which match any entry with a 2 or a 5), without the couple's own
 * values. Thresholds and ages a question asks about ("at 35", "over 35", "above 2.5", "WHO 2021")
 * stay.
 */
function searchNumbers(text: string): string[] {
  const out: string[] = [];
  if (!/\d/.test(text)) return out;
  for (const m of text.matchAll(NUMBER_AS_WRITTEN)) {
    if (!ownValue(text, m.index)) out.push(m[0].replace(',', '.'));
  }
  return out;
}

export interface UnderstandDeps {
  vocabulary: Vocabulary;
  negation: Negation;
  /** Spelling correction of unknown words (see ./spelling); none when absent. */
  correct?: (word: string) => string | null;
  /** Word-level translation into the bank's English for questions in other languages. */
  glossary?: Glossary;
}

// Stems of question words, remembered (questions reuse a small vocabulary); bounded, so that a stream
// of novel words cannot grow it without limit.
const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

/** An English word's stem for matching inflected names: letters only, longer than three. */
function stemForMatching(t: string): string {
  if (t.length <= 3) return t;
  let s = stemCache.get(t);
  if (s === undefined) {
    s = /^[a-z]+$/.test(t) ? porter2(t) : t;
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(t, s);
  }
  return s;
}

// The English names of two words or more, each word stemmed; built once per vocabulary.
const stemmedNames = new WeakMap<Vocabulary, PhraseMatcher>();

/**
 * Concepts an English question names in another inflection than the terminology lists ("preserving
 * fertility" for "fertility preservation", "frozen transfers", "repeated pregnancy losses", "ovulation
 * tests", "putting back two"): the terminology's English names of two words or more and the question's
 * words are compared by their Porter2 stems, word for word, or with the two words of a two-word name
 * side by side in the other order. Single words are left out: stemmed, "injections" met "injecting
 * PRP", "temping" met "a temp of 38.9" and "immunisation" met "immune treatment"; so are names
 * said with words between ("get … tested", "both … tested"), which met the wrong tests. Ids `found`
 * (the exact match) has are not repeated. Added 2026-11-26 (ninth session): rephrased questions
 * of the evaluation set's fitting part lost their concept, and with it the answer, where the
 * original kept it.
 */
export function inflectedConcepts(
  tokens: readonly string[],
  vocabulary: Vocabulary,
  found: readonly PhraseMatch[],
): PhraseMatch[] {
  let matcher = stemmedNames.get(vocabulary);
  if (!matcher) {
    matcher = new PhraseMatcher();
    for (const [id, synonym] of vocabulary.englishConceptSynonyms) {
      const words = foldTokens(synonym);
      if (words.length >= 2) matcher.add(id, words.map(stemForMatching).join(' '));
    }
    stemmedNames.set(vocabulary, matcher);
  }
  const stems = tokens.map(stemForMatching);
  const have = new Set(found.map((m) => m.id));
  const contiguous = matcher.match(stems, { compounds: false });
  const reversed = matcher.matchSeparated(stems, { maxGap: 0, contiguous });
  const out: PhraseMatch[] = [];
  for (const m of [...contiguous, ...reversed]) {
    if (have.has(m.id)) continue;
    have.add(m.id);
    out.push(m);
  }
  return out;
}

/** Most words between the two words of a two-word name said apart (see PhraseMatcher.matchSeparated). */
const SEPARATED_MAX_GAP = 2;

export function understandQuestion(asked: string, deps: UnderstandDeps): UnderstoodQuestion {
  // Numbers are read in ASCII digits everywhere downstream (years, quantities, the bank's text):
  // "WHO ٢٠٢١" asks about the same edition as "WHO 2021".
  const question = asciiDigits(asked);
  const scan = scanForInjection(question);
  const raw = foldTokens(scan.cleaned);
  // A glossary word that is also an ordinary English word ("normal", "test") says nothing of the language.
  const glossary = deps.glossary;
  const wordLanguages = glossary
    ? (w: string) => (englishTier(w) === null ? glossary.languagesOf(w) : [])
    : undefined;
  const language = detectLanguage(
    scan.cleaned || question,
    raw.length ? raw : foldTokens(question),
    wordLanguages,
  );
  const corrections: Array<[string, string]> = [];
  const foreign = language !== 'en';
  const functionWords = language === 'en' || language === 'ar' ? undefined : FUNCTION_WORDS[language];
  const tokens = raw.map((t) => {
    // A word the glossary translates, or a function word of the question's language, is a known
    // word of that language, not a misspelt English one ("contre" is not "centre").
    if (foreign && (deps.glossary?.english(t) || functionWords?.has(t))) return t;
    const c = deps.correct?.(t);
    // An ordinary English word in an English question is not a typo of another word one letter
    // away ("father" is not "rather", "efficiency" not "deficiency", "origin" not the Spanish
    // "origen"); only its inflections are taken ("responders" → "responder", the bank's form).
    if (c && !foreign && englishTier(t) !== null && porter2(t) !== porter2(c)) return t;
    if (c && c !== t) {
      corrections.push([t, c]);
      return c;
    }
    return t;
  });
  const breaks = clauseStarts(scan.cleaned);
  // In an English question, a foreign synonym that is an ordinary English word means the English word.
  const found = deps.vocabulary.matcher.match(tokens, { compounds: COMPOUNDING.has(language) });
  const matches = found.filter((m) => foreign || !deps.vocabulary.notInEnglish.has(m.synonym));
  const terms: QuestionTerm[] = matches.map((m) => ({
    id: m.id,
    kind: deps.vocabulary.kindOf(m.id)!,
    synonym: m.synonym,
    negated: deps.negation.isNegated(tokens, m.start, breaks),
    start: m.start,
    end: m.end,
  }));
  const concepts: string[] = [];
  const negatedConcepts: string[] = [];
  for (const t of terms) {
    const list = t.negated ? negatedConcepts : concepts;
    if (!list.includes(t.id)) list.push(t.id);
  }
  // Concepts of the question that are not terms (no span of their own): two-word names said with
  // words between ("my tubes are blocked", "prolactin came back high"), not in Arabic, whose light
  // stems are short and ambiguous ("دور" … "هرم" is not FET preparation); and in English, names said
  // in another inflection or order than the terminology lists them ("preserving fertility", "frozen
  // transfers", "putting back two": see inflectedConcepts).
  const unlisted = [
    ...(language === 'ar'
      ? []
      : deps.vocabulary.matcher.matchSeparated(tokens, {
          maxGap: SEPARATED_MAX_GAP,
          clauseStarts: breaks,
          contiguous: found,
        })),
    ...(language === 'en' ? inflectedConcepts(tokens, deps.vocabulary, found) : []),
  ].filter((m) => foreign || !deps.vocabulary.notInEnglish.has(m.synonym));
  for (const m of unlisted) {
    const list = deps.negation.isNegated(tokens, m.start, breaks) ? negatedConcepts : concepts;
    if (!concepts.includes(m.id) && !negatedConcepts.includes(m.id)) list.push(m.id);
  }
  // "What counts as infertility?" is searched as "infertility": see definitionFrameWords.
  const definition = readDefinition(scan.cleaned);
  const frame = definition.frameWords;
  const topical = frame.size ? raw.filter((w) => !frame.has(w)) : raw;
  // In another language, a phrase the terminology recognised is searched by its concept's English
  // name ("دوالي الخصية" → "varicocele"), and only the words outside such phrases by their
  // word-for-word glossary English ("الخصية" alone is "testicle", which found the testes entries).
  const inTerm = new Set<number>();
  for (const t of terms) for (let i = t.start; i < t.end; i++) inTerm.add(i);
  const glossed = raw.filter((w, i) => !frame.has(w) && !inTerm.has(i));
  const conceptNames = [...new Set(terms.map((t) => deps.vocabulary.label(t.id)))];
  let content = 0;
  let known = 0;
  const knownForeignWords = new Set<string>();
  if (foreign) {
    raw.forEach((w, i) => {
      const knownWord = inTerm.has(i) || !!deps.glossary?.english(w) || !!functionWords?.has(w);
      if (knownWord) {
        knownForeignWords.add(w);
        knownForeignWords.add(tokens[i]!);
      }
      if (w.length < 3 || DIGITS.test(w) || functionWords?.has(w)) return;
      content++;
      if (inTerm.has(i) || deps.glossary?.english(w)) known++;
    });
  }
  const englishGloss =
    language === 'en'
      ? []
      : [
          ...(deps.glossary?.translate(glossed, language) ?? []),
          ...conceptNames,
          ...corrections.filter(([from]) => !frame.has(from)).map(([, to]) => to),
        ];
  return {
    text: scan.cleaned,
    language,
    tokens,
    // A question in another language is searched with its own words, the English of its ordinary
    // words (glossary), and the English words its unknown words are closest to ("aspirina" →
    // "aspirin"): added, not substituted, since a foreign word one letter away from an English
    // one is often a different word ("seria" is not "serial").
    searchText: [
      ...(language === 'en' ? tokens.filter((w) => !frame.has(w)) : [...topical, ...englishGloss]).filter(
        (w) => !DIGITS.test(w),
      ),
      ...searchNumbers(scan.cleaned),
    ].join(' '),
    corrections,
    terms,
    concepts,
    negatedConcepts,
    injection: { detected: scan.detected, removedSentences: scan.removedSentences },
    comparison: findComparison(terms, tokens, breaks),
    asksDefinition: definition.asks,
    knownShare: content > 0 ? known / content : 0,
    knownForeignWords,
    englishGloss,
  };
}
