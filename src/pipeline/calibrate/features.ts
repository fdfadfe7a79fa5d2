/**
 * @module pipeline/calibrate/features
 * Features measured on each candidate answer (issue 6 item 3), from which the calibrator predicts
 * the probability that the answer is supported and appropriate. Each is a plain number with a
 * stated meaning, so that the audit can show why confidence was what it was.
 */
import type { Evidence } from '../../domain/evidence.js';

export const FEATURE_NAMES = [
  /** Final score of the best evidence (rerank scale, ~0–1.5). */
  'topScore',
  /** (best − second) / best: how clearly one piece stands out. */
  'margin',
  /** Share of the question's specific concepts found in the packed evidence's concepts. */
  'conceptCoverage',
  /** IDF-weighted share of the question's content terms found in the packed evidence text. */
  'termCoverage',
  /** Content terms of the question that appear nowhere in the knowledge bank (made-up drugs, future years…). */
  'unknownTerms',
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
  /** Specific (not general) concepts the question names, not negated. */
  questionConcepts: readonly string[];
  /** Concepts covered by an evidence concept, with its broader and narrower concepts. */
  covers: (evidenceConcept: string, questionConcept: string) => boolean;
  /** Content terms of the question (index terms, stop words removed). */
  questionTerms: readonly string[];
  /** Index terms of the packed evidence. */
  evidenceTerms: ReadonlySet<string>;
  /** Whether the bank knows a term at all. */
  bankHasTerm: (t: string) => boolean;
  /** IDF of a term in the bank (0 for unknown terms is fine: they count in unknownTerms). */
  idf: (t: string) => number;
  hasProfile: boolean;
  conflict: boolean;
}

export function computeFeatures(x: FeatureInputs): Features {
  const top = x.evidence[0];
  const second = x.evidence[1];
  const topScore = top?.scores.final ?? 0;
  const margin = top && topScore > 0 ? (topScore - (second?.scores.final ?? 0)) / topScore : 0;
  const evidenceConcepts = x.evidence.flatMap((e) => e.concepts);
  const covered = x.questionConcepts.filter((q) => evidenceConcepts.some((c) => x.covers(c, q))).length;
  const conceptCoverage = x.questionConcepts.length > 0 ? covered / x.questionConcepts.length : 0;
  const uniq = [...new Set(x.questionTerms)];
  let wAll = 0;
  let wHit = 0;
  let unknownTerms = 0;
  for (const t of uniq) {
    if (!x.bankHasTerm(t)) {
      unknownTerms++;
      continue;
    }
    const w = x.idf(t);
    wAll += w;
    if (x.evidenceTerms.has(t)) wHit += w;
  }
  // Unknown terms count as uncovered mass too (one average term each).
  const avg = uniq.length - unknownTerms > 0 ? wAll / (uniq.length - unknownTerms) : 1;
  const termCoverage = wAll + unknownTerms * avg > 0 ? wHit / (wAll + unknownTerms * avg) : 0;
  const n = x.evidence.length || 1;
  return {
    topScore,
    margin,
    conceptCoverage,
    termCoverage,
    unknownTerms,
    hasConcepts: x.questionConcepts.length > 0 ? 1 : 0,
    applicabilityMet: x.hasProfile ? x.evidence.filter((e) => e.applicability.truth === 'met').length / n : 0,
    applicabilityNotMet: x.evidence.filter((e) => e.applicability.truth === 'not-met').length / n,
    conflict: x.conflict ? 1 : 0,
    topStrength: top?.strengthRank ?? 0,
    topLexical: Math.log1p(top?.scores.lexical ?? 0),
  };
}

export const featureVector = (f: Features): number[] => FEATURE_NAMES.map((n) => f[n]);
