/**
 * @module pipeline/rerank/relevance
 * The learned relevance re-ranker: for each (question, candidate entry) pair, features that say how
 * well the entry answers the question — lexical scores and ranks, how much of the question's
 * specific vocabulary the entry is ABOUT (title and concept names) or merely mentions, concept
 * matches, whether a quantitative question gets a number, whether a year in the question (a
 * guideline edition) appears, whether a definition question meets a definition entry, whether
 * the question names the entry's body ("what does the WHO say"), applicability to the profile,
 * the entry's kind and grading — and a
 * logistic model over them, fitted on the labelled question set (`fertility train reranker`):
 * pairs with an expected entry are positive, every other candidate (and every candidate of a
 * question the bank cannot answer) negative. Its probability orders the evidence and feeds the
 * confidence calibrator.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Evidence } from '../../domain/evidence.js';
import { predictLogistic, type LogisticModel } from '../calibrate/logistic.js';
import { stem5 } from '../retrieve/knowledge.js';
import { bodiesOfSource } from '../understand/bodies.js';
import { quantityGivenIn, type QuantityKind } from '../understand/quantity.js';

/** Question-level facts, computed once per question. */
export interface QuestionContext {
  /** Salient index terms: known to the bank, or novel (not everyday English). */
  terms: readonly string[];
  idf: (t: string) => number;
  bankHasTerm: (t: string) => boolean;
  /** The most specific term (novel first, else highest IDF), or null. */
  rarest: string | null;
  /** Years (1900–2100) named in the question. */
  years: readonly string[];
  /** The kind of number the question asks for (see understand/quantity), or null. */
  quantity: QuantityKind | null;
  /** The question asks what a term means or what counts as it (see understand/definition). */
  asksDefinition: boolean;
  /** The bodies the question names ("WHO", "NICE"; see understand/bodies). */
  bodies: ReadonlySet<string>;
  /** Numbers the question itself states (they are not answers). */
  questionNumbers: ReadonlySet<string>;
  /** Index terms of the words that frame a quantitative question (understand/quantity QUANTITY_FRAME_WORDS). */
  quantityFrame: ReadonlySet<string>;
  english: boolean;
  novelWords: number;
  nonWord: boolean;
  concepts: readonly string[];
  /**
   * How specific each concept is in the bank (IDF over the entries tagged with it): "smoking" tags
   * a handful of entries, "live birth" dozens.
   */
  conceptIdf: (concept: string) => number;
  covers: (evidenceConcept: string, questionConcept: string) => boolean;
  termsOfText: (text: string) => string[];
  /** A document's numbers and stemmed sentences (precomputed per document by the index). */
  numbersOf: (key: string) => ReadonlySet<string>;
  sentencesOf: (key: string) => ReadonlyArray<{ text: string; stems: ReadonlySet<string> }>;
}

/** What retrieval said about one candidate. */
export interface CandidateSignals {
  lexical: number;
  lexicalRank: number | null;
  conceptRank: number | null;
  fused: number;
}

export const PAIR_FEATURES = [
  'lexNorm',
  'lexRankInv',
  'conceptRankInv',
  'fusedNorm',
  'conceptMatch',
  'conceptMatchSpecific',
  'focusCoverage',
  'textCoverage',
  'rarestInText',
  'rarestInFocus',
  'novelWordsEn',
  'nonWordEn',
  'nonEnglish',
  'yearMissing',
  'quantityMissing',
  'applicabilityMet',
  'applicabilityNotMet',
  'kindRecommendation',
  'kindWarningSign',
  'definitionAsked',
  'definitionUnasked',
  'strength',
  'questionTerms',
  'bodyNamed',
  'otherBodyNamed',
] as const;
export type PairFeatureName = (typeof PAIR_FEATURES)[number];

// A question's term weights are the same for every candidate: worked out once per question.
const termWeightsOf = new WeakMap<QuestionContext, { weights: number[]; all: number }>();

function termWeights(q: QuestionContext): { weights: number[]; all: number } {
  let tw = termWeightsOf.get(q);
  if (!tw) {
    const maxIdf = Math.max(1, ...q.terms.map((t) => q.idf(t)));
    const weights = q.terms.map((t) => (q.bankHasTerm(t) ? q.idf(t) : maxIdf));
    let all = 0;
    for (const w of weights) all += w;
    tw = { weights, all };
    termWeightsOf.set(q, tw);
  }
  return tw;
}

export function coverage(q: QuestionContext, has: (t: string) => boolean): number {
  const { weights, all } = termWeights(q);
  let hit = 0;
  for (let i = 0; i < weights.length; i++) if (has(q.terms[i]!)) hit += weights[i]!;
  return all > 0 ? hit / all : 0;
}

const salientStemsOf = new WeakMap<QuestionContext, ReadonlySet<string>>();

/** Whether a quantitative question finds a quantity of the right kind in a sentence sharing two of its terms. */
export function quantityGiven(q: QuestionContext, e: Evidence): boolean {
  if (!q.quantity) return true;
  // Terms count as shared when equal or when they share a 5-letter stem ("pregnant" / "pregnancy").
  let salient = salientStemsOf.get(q);
  if (!salient) {
    // The topic terms: asking words, units, time and outcome words and numbers only frame the question.
    let topical = q.terms.filter((t) => !q.quantityFrame.has(t) && !/^\d/.test(t));
    // In another language, a word the glossary does not translate stays in the question's own
    // language ("Kinderwunschzeit", "okay"), and no English sentence of the bank can share it: only
    // the topic terms the bank writes can be asked of a sentence. In English an unknown word stays
    // required: it is as often an invented product as an everyday word.
    if (!q.english) {
      const known = topical.filter((t) => q.bankHasTerm(t));
      if (known.length > 0) topical = known;
    }
    salientStemsOf.set(q, (salient = new Set((topical.length > 0 ? topical : q.terms).map(stem5))));
  }
  // The number must sit with the question's topic: two of its topic terms, or every one when it
  // has fewer. One was enough for questions of up to four terms until 2026-11-26, when a single
  // generic term shared ("pregnancy") let a number about something else count as the answer.
  const need = Math.min(2, salient.size);
  // (An entry's concept tags do not stand for a missing term: tried on 2026-11-26, a tag on
  // miscarriage let "after 12 weeks any bleeding needs review" answer how long to wait after one.)
  return q.sentencesOf(e.key).some((s) => {
    let shared = 0;
    for (const t of salient) if (s.stems.has(t)) shared++;
    return shared >= need && quantityGivenIn(q.quantity!, s.text, q.questionNumbers);
  });
}

export function pairFeatures(
  q: QuestionContext,
  e: Evidence,
  c: CandidateSignals,
  norms: { maxLexical: number; maxFused: number },
  terms: { text: ReadonlySet<string>; focus: ReadonlySet<string> },
): Record<PairFeatureName, number> {
  let covered = 0;
  let coveredIdf = 0;
  let allIdf = 0;
  for (const qc of q.concepts) {
    const w = q.conceptIdf(qc);
    allIdf += w;
    if (e.concepts.some((ec) => q.covers(ec, qc))) {
      covered++;
      coveredIdf += w;
    }
  }
  const byNamedBody = q.bodies.size > 0 && [...bodiesOfSource(e.source.body)].some((b) => q.bodies.has(b));
  const evidenceNumbers = q.numbersOf(e.key);
  return {
    lexNorm: norms.maxLexical > 0 ? c.lexical / norms.maxLexical : 0,
    lexRankInv: c.lexicalRank ? 1 / c.lexicalRank : 0,
    conceptRankInv: c.conceptRank ? 1 / c.conceptRank : 0,
    fusedNorm: norms.maxFused > 0 ? c.fused / norms.maxFused : 0,
    conceptMatch: q.concepts.length ? covered / q.concepts.length : 0,
    // The same, each concept weighted by how specific it is: an entry on the question's topic
    // ("smoking") is not outranked by one on its generic outcome ("live birth").
    conceptMatchSpecific: allIdf > 0 ? coveredIdf / allIdf : 0,
    focusCoverage: coverage(q, (t) => terms.focus.has(t)),
    textCoverage: coverage(q, (t) => terms.text.has(t)),
    rarestInText: q.rarest !== null && terms.text.has(q.rarest) ? 1 : 0,
    rarestInFocus: q.rarest !== null && terms.focus.has(q.rarest) ? 1 : 0,
    novelWordsEn: q.english ? q.novelWords : 0,
    nonWordEn: q.english && q.nonWord ? 1 : 0,
    nonEnglish: q.english ? 0 : 1,
    yearMissing: q.years.some((y) => !evidenceNumbers.has(y)) ? 1 : 0,
    quantityMissing: quantityGiven(q, e) ? 0 : 1,
    applicabilityMet: e.applicability.truth === 'met' && e.applicability.because.length > 0 ? 1 : 0,
    applicabilityNotMet: e.applicability.truth === 'not-met' ? 1 : 0,
    kindRecommendation: e.kind === 'recommendation' ? 1 : 0,
    kindWarningSign: e.kind === 'warning-sign' ? 1 : 0,
    definitionAsked: q.asksDefinition && e.kind === 'definition' ? 1 : 0,
    definitionUnasked: !q.asksDefinition && e.kind === 'definition' ? 1 : 0,
    strength: e.strengthRank,
    questionTerms: Math.log1p(q.terms.length),
    bodyNamed: byNamedBody ? 1 : 0,
    otherBodyNamed: q.bodies.size > 0 && !byNamedBody ? 1 : 0,
  };
}

export const pairVector = (f: Record<PairFeatureName, number>): number[] => PAIR_FEATURES.map((n) => f[n]);

export const RelevanceArtifactSchema = z.strictObject({
  kind: z.literal('relevance-reranker'),
  version: z.string().min(1),
  createdAt: z.string(),
  trainingData: z.strictObject({
    path: z.string(),
    sha256: z.string(),
    questions: z.number().int(),
    pairs: z.number().int(),
  }),
  knowledgeVersion: z.string(),
  /** Candidates per question the model re-orders (the rest keep the heuristic order below them). */
  topN: z.number().int().min(1).max(200),
  model: z.strictObject({
    features: z.array(z.string()),
    mean: z.array(z.number()),
    std: z.array(z.number()),
    weights: z.array(z.number()),
    l2: z.number(),
  }),
  fit: z.record(z.string(), z.unknown()),
});
export type RelevanceArtifact = z.infer<typeof RelevanceArtifactSchema>;

export interface RelevanceModel {
  readonly version: string;
  readonly topN: number;
  probability(f: Record<PairFeatureName, number>): number;
}

export function relevanceModelFrom(
  a: RelevanceArtifact | { version: string; topN: number; model: LogisticModel },
): RelevanceModel {
  if (a.model.features.join(',') !== PAIR_FEATURES.join(',')) {
    throw new Error(
      `relevance re-ranker ${a.version} was fitted on features [${a.model.features.join(', ')}], the engine computes [${PAIR_FEATURES.join(', ')}]: retrain with "fertility train reranker"`,
    );
  }
  const m = a.model;
  return { version: a.version, topN: a.topN, probability: (f) => predictLogistic(m, pairVector(f)) };
}

export function loadRelevanceModel(path: string): RelevanceModel {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(
      `cannot read the relevance re-ranker at ${path} (${(e as Error).message}); run "fertility train reranker"`,
    );
  }
  const r = RelevanceArtifactSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `${path}: not a relevance re-ranker artifact: ${r.error.issues[0]!.path.join('.')} ${r.error.issues[0]!.message}`,
    );
  return relevanceModelFrom(r.data);
}
