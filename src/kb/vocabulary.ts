/**
 * @module kb/vocabulary
 * The ids a knowledge entry may use in `concepts` and in lab-fact keys (`female.lab.<analyte>`):
 * concept ids from `clinical/terminology/concepts.yaml` and analyte ids.
 *
 * Analyte ids come from the analyte terminology (`src/terminology/analytes.ts`) once it exists.
 * Until then the canonical ids of contracts §3 are listed here, in this one place, so that the
 * validator does not reject entries tagged `amh` or `tsh`. Delete `CONTRACT_ANALYTE_IDS` when the
 * analyte terminology lands and point `defaultVocabulary` at it.
 */
import { getConcepts } from '../terminology/concepts.js';

/** What the validator needs to know about the terminology. */
export interface KbVocabulary {
  isConcept(id: string): boolean;
  isAnalyte(id: string): boolean;
}

/**
 * Canonical analyte ids of contracts §3 (those ids "do not change"). A stop-gap until
 * `getTerminology().isAnalyte` exists; kept in one place on purpose.
 */
const CONTRACT_ANALYTE_IDS: ReadonlySet<string> = new Set([
  'amh',
  'fsh',
  'lh',
  'estradiol',
  'progesterone',
  'prolactin',
  'tsh',
  'free-t4',
  'anti-tpo',
  'anti-tg',
  'testosterone-total',
  'shbg',
  'dhea-s',
  '17-oh-progesterone',
  'glucose-fasting',
  'insulin-fasting',
  'hba1c',
  'vitamin-d-25oh',
  'ferritin',
  'hemoglobin',
  'rubella-igg',
  'semen-volume',
  'sperm-concentration',
  'sperm-total-count',
  'progressive-motility',
  'total-motility',
  'normal-morphology',
  'sperm-vitality',
  'semen-ph',
  'dna-fragmentation-index',
]);

/** The bundled vocabulary: concepts.yaml ∪ analyte ids. */
export function defaultVocabulary(): KbVocabulary {
  const concepts = getConcepts();
  const isAnalyte = (id: string): boolean => CONTRACT_ANALYTE_IDS.has(id);
  return {
    isAnalyte,
    // Entries tag topics with either kind of id: a thyroid entry names `tsh` as readily as `thyroid`.
    isConcept: (id) => concepts.isConcept(id) || isAnalyte(id),
  };
}
