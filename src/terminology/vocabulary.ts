/**
 * @module terminology/vocabulary
 * The one clinical vocabulary used to understand questions and tag evidence: concepts
 * (diagnoses, treatments, tests, lifestyle, symptoms) plus lab analytes, all matched by one
 * phrase matcher in six languages.
 */
import type { ConceptTerminology, Concept } from './concepts.js';
import { PhraseMatcher } from './phrase-matcher.js';

export type TermKind = Concept['kind'] | 'analyte';

export interface AnalyteTerms {
  id: string;
  /** Every synonym and abbreviation in every language. */
  synonyms: readonly string[];
}

export interface Vocabulary {
  matcher: PhraseMatcher;
  kindOf(id: string): TermKind | undefined;
  /** The id and its broader concepts (transitively); analytes have none. */
  ancestors(id: string): string[];
  descendants(id: string): string[];
  has(id: string): boolean;
  /** English label for display. */
  label(id: string): string;
}

export function buildVocabulary(concepts: ConceptTerminology, analytes: readonly AnalyteTerms[]): Vocabulary {
  const matcher = new PhraseMatcher();
  const kinds = new Map<string, TermKind>();
  const labels = new Map<string, string>();
  for (const c of concepts.all()) {
    kinds.set(c.id, c.kind);
    labels.set(c.id, c.en[0]!);
    matcher.add(c.id, c.id.replace(/-/g, ' '));
    for (const lang of ['en', 'fr', 'es', 'de', 'pt', 'ar'] as const) for (const s of c[lang]) matcher.add(c.id, s);
  }
  for (const a of analytes) {
    if (kinds.has(a.id)) throw new Error(`vocabulary: analyte id "${a.id}" collides with a concept id`);
    kinds.set(a.id, 'analyte');
    labels.set(a.id, a.synonyms[0] ?? a.id);
    for (const s of a.synonyms) matcher.add(a.id, s);
  }
  return {
    matcher,
    kindOf: (id) => kinds.get(id),
    ancestors: (id) => (kinds.get(id) === 'analyte' ? [id] : concepts.ancestors(id)),
    descendants: (id) => (kinds.get(id) === 'analyte' ? [] : concepts.descendants(id)),
    has: (id) => kinds.has(id),
    label: (id) => labels.get(id) ?? id,
  };
}
