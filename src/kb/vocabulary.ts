/**
 * @module kb/vocabulary
 * The ids a knowledge entry may use in `concepts` and in lab-fact keys (`female.lab.<analyte>`):
 * concept ids from `clinical/terminology/concepts.yaml` and analyte ids from
 * `clinical/terminology/analytes.yaml`. Entries tag topics with either kind of id: a thyroid
 * entry names `tsh` as readily as `thyroid`.
 */
import { getTerminology } from '../terminology/analytes.js';
import { getConcepts } from '../terminology/concepts.js';

/** What the validator needs to know about the terminology. */
export interface KbVocabulary {
  isConcept(id: string): boolean;
  isAnalyte(id: string): boolean;
}

/** The bundled vocabulary: concepts ∪ analytes. */
export function defaultVocabulary(): KbVocabulary {
  const concepts = getConcepts();
  const analytes = getTerminology();
  const isAnalyte = (id: string): boolean => analytes.isAnalyte(id);
  return { isAnalyte, isConcept: (id) => concepts.isConcept(id) || isAnalyte(id) };
}
