/**
 * @module pipeline/calibrate/features
 * Features measured on each candidate answer (issue 6 item 3), from which the calibrator predicts
 * the probability that the answer is supported and appropriate. Each is a plain number with a
 * stated meaning, so that the audit can show why confidence was what it was.
 */
import type { Evidence } from '../../domain/evidence.js';
import { numbersIn } from '../synthesize/claims.js';

export const FEATURE_NAMES = [
  /** Learned relevance (0–1) of the best evidence, from the re-ranker; 0 without one. */
  'topRelevance',
  /** Learned relevance of the second piece. */
  'secondRelevance',
  /** Final score of the best evidence (rerank scale, ~0–1.5). */
  'topScore',
  /** (best − second) / best: how clearly one piece stands out. */
  'margin',
  /** Share of the question's concepts found in the packed evidence's concepts (with broader/narrower). */
  'conceptCoverage',
  /** How many of the question's concepts the whole bank never mentions ("coffee" when no entry is about caffeine). */
  'conceptsAbsentFromBank',
  /** IDF-weighted share of the question's content terms found in the packed evidence. */
  'termCoverage',
  /** The same, in the best piece of evidence alone. */
  'topTermCoverage',
  /** Whether the question's most specific term (highest IDF, or a novel word) is in the packed evidence (0/1). */
  'rarestTermCovered',
  /** Whether that term is what one of the first three pieces is about (its title or concepts) (0/1). */
  'rarestTermInFocus',
  /** IDF-weighted share of the question's terms that the first three pieces are about (title, concept names). */
  'focusCoverage',
  /**
   * English questions: words the bank and terminology never use, weighted by how specific they are
   * in ordinary English (0 for everyday words, 1.5 for non-words such as invented drug names).
   */
  'novelWordsEn',
  /** English questions: a word that is neither English, nor in the bank, nor in the terminology (an invented name) (0/1). */
  'nonWordEn',
  /** The question is not in English (the bank is): lexical features mean less (0/1). */
  'nonEnglish',
  /**
   * Years in the question (1900–2100) that no packed evidence contains: a guideline edition or trial the
   * bank does not have ("the ESHRE 2031 guideline"). Other numbers are usually the couple's own values.
   */
  'unmatchedYears',
  /** The question asks for a quantity (how many, what dose, what level…) and no top evidence sentence on its topic gives one (0/1). */
  'missingQuantity',
  /** Whether the question names at least one concept of the terminology (0/1). */
  'hasConcepts',
  /** Share of packed evidence whose applicability is met (with a profile) — 0 without a profile. */
  'applicabilityMet',
  /** Share of packed evidence whose applicability is not met. */
  'applicabilityNotMet',
  /** Sources in the packed evidence point in opposite directions (0/1). */
  'conflict',
  /** Strength rank (0–3) of the best evidence's source. */
  'topStrength',
  /** log(1 + lexical BM25 score of the best evidence). */
  'topLexical',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

export interface FeatureInputs {
  evidence: readonly Evidence[];
  /** Concepts the question names, not negated. */
  questionConcepts: readonly string[];
  /** Whether the bank mentions a concept anywhere (tagged or in text). */
  bankMentions: (concept: string) => boolean;
  /** Concepts covered by an evidence concept, with its broader and narrower concepts. */
  covers: (evidenceConcept: string, questionConcept: string) => boolean;
  /** Content terms of the question (index terms, stop words removed). */
  questionTerms: readonly string[];
  /** Index terms of each packed piece of evidence, in order. */
  evidenceTerms: ReadonlyArray<ReadonlySet<string>>;
  /** Index terms of each packed piece's title and concept labels, in order. */
  evidenceFocus: ReadonlyArray<ReadonlySet<string>>;
  /** Index terms of novel question words (unknown to the bank, not everyday English): never covered. */
  novelTerms: ReadonlySet<string>;
  /** Whether the bank knows a term at all. */
  bankHasTerm: (t: string) => boolean;
  /** IDF of a term in the bank. */
  idf: (t: string) => number;
  /** Σ specificity of the question words the engine has never seen (see terminology/english-words). */
  novelWords: number;
  /** Whether one of them is not an English word at all. */
  nonWord: boolean;
  english: boolean;
  questionText: string;
  /** Numbers a piece of evidence states (precomputed per document). */
  numbersOf: (key: string) => ReadonlySet<string>;
  /** Whether the first three pieces fail to give the quantity the question asks for (see understand/quantity). */
  quantityMissing: boolean;
  hasProfile: boolean;
  conflict: boolean;
}

function weightedCoverage(terms: readonly string[], have: (t: string) => boolean, x: FeatureInputs): number {
  let all = 0;
  let hit = 0;
  const maxIdf = Math.max(1, ...terms.map((t) => x.idf(t)));
  for (const t of terms) {
    const w = x.bankHasTerm(t) ? x.idf(t) : maxIdf;
    all += w;
    if (have(t)) hit += w;
  }
  return all > 0 ? hit / all : 0;
}

export function computeFeatures(x: FeatureInputs): Features {
  const top = x.evidence[0];
  const second = x.evidence[1];
  const topScore = top?.scores.final ?? 0;
  const margin = top && topScore > 0 ? (topScore - (second?.scores.final ?? 0)) / topScore : 0;
  const evidenceConcepts = x.evidence.flatMap((e) => e.concepts);
  const covered = x.questionConcepts.filter((q) => evidenceConcepts.some((c) => x.covers(c, q))).length;
  const conceptCoverage = x.questionConcepts.length > 0 ? covered / x.questionConcepts.length : 0;
  const conceptsAbsentFromBank = x.questionConcepts.filter((c) => !x.bankMentions(c)).length;
  // Everyday words the bank does not use ("worried", "officially") say nothing about coverage.
  const terms = [...new Set(x.questionTerms)].filter((t) => x.bankHasTerm(t) || x.novelTerms.has(t));
  const inAny = (t: string): boolean => x.evidenceTerms.some((s) => s.has(t));
  const termCoverage = weightedCoverage(terms, inAny, x);
  const topTermCoverage = x.evidenceTerms[0]
    ? weightedCoverage(terms, (t) => x.evidenceTerms[0]!.has(t), x)
    : 0;
  // The most specific term: an unknown one if any (the bank cannot cover it), else the highest IDF.
  let rarest: string | null = null;
  let rarestIdf = -1;
  for (const t of terms) {
    if (!x.bankHasTerm(t) && !x.novelTerms.has(t)) continue; // an everyday word the bank does not use
    const w = x.bankHasTerm(t) ? x.idf(t) : Infinity;
    if (w > rarestIdf) {
      rarest = t;
      rarestIdf = w;
    }
  }
  const evidenceNumbers = new Set(x.evidence.flatMap((e) => [...x.numbersOf(e.key)]));
  const isYear = (v: string): boolean => /^\d{4}$/.test(v) && Number(v) >= 1900 && Number(v) <= 2100;
  const unmatchedYears = numbersIn(x.questionText).filter((v) => isYear(v) && !evidenceNumbers.has(v)).length;
  const missingQuantity = x.quantityMissing ? 1 : 0;
  const n = x.evidence.length || 1;
  return {
    topRelevance: top?.scores.relevance ?? 0,
    secondRelevance: second?.scores.relevance ?? 0,
    topScore,
    margin,
    conceptCoverage,
    conceptsAbsentFromBank,
    termCoverage,
    topTermCoverage,
    rarestTermCovered: rarest !== null && inAny(rarest) ? 1 : 0,
    rarestTermInFocus: rarest !== null && x.evidenceFocus.slice(0, 3).some((f) => f.has(rarest)) ? 1 : 0,
    focusCoverage: weightedCoverage(terms, (t) => x.evidenceFocus.slice(0, 3).some((f) => f.has(t)), x),
    novelWordsEn: x.english ? x.novelWords : 0,
    nonWordEn: x.english && x.nonWord ? 1 : 0,
    nonEnglish: x.english ? 0 : 1,
    unmatchedYears,
    missingQuantity,
    hasConcepts: x.questionConcepts.length > 0 ? 1 : 0,
    applicabilityMet: x.hasProfile ? x.evidence.filter((e) => e.applicability.truth === 'met').length / n : 0,
    applicabilityNotMet: x.evidence.filter((e) => e.applicability.truth === 'not-met').length / n,
    conflict: x.conflict ? 1 : 0,
    topStrength: top?.strengthRank ?? 0,
    topLexical: Math.log1p(top?.scores.lexical ?? 0),
  };
}

export const featureVector = (f: Features): number[] => FEATURE_NAMES.map((n) => f[n]);
