/**
 * @module terminology/vocabulary
 * The one clinical vocabulary used to understand questions and tag evidence: concepts
 * (diagnoses, treatments, tests, lifestyle, symptoms) plus lab analytes, all matched by one
 * phrase matcher in six languages.
 */
import type { ConceptTerminology, Concept } from './concepts.js';
import { englishTier } from './english-words.js';
import { synonymForms } from './inflection.js';
import { PhraseMatcher } from './phrase-matcher.js';
import { foldTokens } from './text.js';

/**
 * Synonyms that are fine in a lab report's name column but ambiguous in free text: a one-letter or
 * numeric token ("T" would match the "t" of "don't"), or a word of one of our six languages
 * ("MIS" is Spanish for "my"). Lab-line naming keeps them; question understanding skips them.
 */
const AMBIGUOUS_IN_TEXT = new Set(['mis', 'a', 'e', 't', 'p', 'hb']);
export function safeInFreeText(synonym: string): boolean {
  const toks = foldTokens(synonym);
  if (toks.length === 0) return false;
  if (toks.length > 1) return true;
  const t = toks[0]!;
  return t.length > 1 && !/^\d+$/.test(t) && !AMBIGUOUS_IN_TEXT.has(t);
}

export type TermKind = Concept['kind'] | 'analyte';

export interface AnalyteTerms {
  id: string;
  /** Every synonym and abbreviation in every language. */
  synonyms: readonly string[];
  /** The English ones (for describing what an entry is about). */
  englishSynonyms?: readonly string[];
}

export interface Vocabulary {
  matcher: PhraseMatcher;
  kindOf(id: string): TermKind | undefined;
  /** The id and its broader concepts (transitively); analytes have none. */
  ancestors(id: string): readonly string[];
  descendants(id: string): readonly string[];
  has(id: string): boolean;
  /** English label for display. */
  label(id: string): string;
  /** Every folded word of every synonym (all languages): words the engine knows. */
  words: ReadonlySet<string>;
  /** English names of a concept or analyte (label and synonyms). */
  englishNames(id: string): readonly string[];
  /**
   * Synonyms (as written in the data) listed only in other languages whose words are ordinary
   * English words with another meaning: the German "Abort" (miscarriage) in "abort a git rebase",
   * "Scratching", "Tee", the French "AMP" or the Spanish "SOP". An English question's match on one
   * of them is not that concept.
   */
  notInEnglish: ReadonlySet<string>;
  /** How to show the concept in an answer ("IUI", "Letrozole"): its `display` name, else its label capitalised. */
  displayName(id: string): string;
  /** Every English synonym of every concept, as [concept id, synonym] (analytes not included). */
  englishConceptSynonyms: ReadonlyArray<readonly [string, string]>;
}

export function buildVocabulary(concepts: ConceptTerminology, analytes: readonly AnalyteTerms[]): Vocabulary {
  const matcher = new PhraseMatcher();
  const kinds = new Map<string, TermKind>();
  const labels = new Map<string, string>();
  const words = new Set<string>();
  const english = new Map<string, string[]>();
  const addWords = (syn: string): void => {
    for (const w of foldTokens(syn)) words.add(w);
  };
  // Folded English synonyms of every concept: a foreign synonym spelt like one of them is English too.
  const englishKeys = new Set(concepts.all().flatMap((c) => c.en.map((s) => foldTokens(s).join(' '))));
  const notInEnglish = new Set<string>();
  const englishConceptSynonyms: Array<readonly [string, string]> = [];
  for (const c of concepts.all()) {
    for (const lang of ['fr', 'es', 'de', 'pt'] as const)
      for (const s of c[lang]) {
        const toks = foldTokens(s);
        if (!englishKeys.has(toks.join(' ')) && toks.every((t) => englishTier(t) !== null))
          notInEnglish.add(s);
      }
  }
  for (const c of concepts.all()) {
    kinds.set(c.id, c.kind);
    labels.set(c.id, c.en[0]!);
    english.set(c.id, c.en);
    matcher.add(c.id, c.id.replace(/-/g, ' '));
    for (const s of c.en) englishConceptSynonyms.push([c.id, s]);
    for (const lang of ['en', 'fr', 'es', 'de', 'pt', 'ar'] as const) {
      for (const s of c[lang]) {
        for (const f of synonymForms(lang, s)) matcher.add(c.id, f);
        addWords(s);
      }
    }
  }
  for (const a of analytes) {
    if (kinds.has(a.id)) throw new Error(`vocabulary: analyte id "${a.id}" collides with a concept id`);
    kinds.set(a.id, 'analyte');
    labels.set(a.id, a.synonyms[0] ?? a.id);
    english.set(a.id, [...(a.englishSynonyms ?? a.synonyms.slice(0, 1))]);
    for (const s of a.synonyms) {
      addWords(s);
      if (safeInFreeText(s)) matcher.add(a.id, s);
    }
  }
  return {
    matcher,
    kindOf: (id) => kinds.get(id),
    ancestors: (id) => (kinds.get(id) === 'analyte' ? [id] : concepts.ancestors(id)),
    descendants: (id) => (kinds.get(id) === 'analyte' ? [] : concepts.descendants(id)),
    has: (id) => kinds.has(id),
    label: (id) => labels.get(id) ?? id,
    words,
    englishNames: (id) => english.get(id) ?? [],
    notInEnglish,
    englishConceptSynonyms,
    displayName: (id) => {
      const d = concepts.concept(id)?.display;
      if (d) return d;
      const l = labels.get(id) ?? id;
      return l.charAt(0).toUpperCase() + l.slice(1);
    },
  };
}
