/**
 * @module terminology
 * The one clinical vocabulary, assembled: concepts plus analytes, for question understanding and
 * evidence tagging.
 */
import { getTerminology } from './analytes.js';
import { getConcepts } from './concepts.js';
import { buildVocabulary, type Vocabulary } from './vocabulary.js';

let cached: Vocabulary | null = null;

/** Concepts and analytes (all six languages) in one phrase matcher, built once. */
export function getVocabulary(): Vocabulary {
  if (!cached) {
    const t = getTerminology();
    cached = buildVocabulary(
      getConcepts(),
      t.analytes().map((a) => ({
        id: a.id,
        synonyms: [a.name, ...Object.values(a.synonyms).flat().map(String)],
        englishSynonyms: [a.name, ...a.synonyms.en.map(String)],
      })),
    );
  }
  return cached;
}
