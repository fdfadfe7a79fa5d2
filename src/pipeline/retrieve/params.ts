/**
 * @module pipeline/retrieve/params
 * The lexical retriever's parameters: named, complete and recorded with every search result.
 * There are no hidden defaults: an index is created with a full `RetrievalParams` object, and
 * the presets below say where their numbers come from.
 */
import type { AnalyzerOptions } from './tokenize.js';

/** One field's weight and length normalization. */
export interface FieldParams {
  /** Multiplies the field's term frequencies (BM25F) or its BM25 score (bm25-fields); ≥ 0. */
  weight: number;
  /** Length normalization, 0 (none) … 1 (full). */
  b: number;
}

/** RM3-style pseudo-relevance feedback. */
export interface PrfParams {
  /** Top documents of the first pass taken as relevant. */
  docs: number;
  /** Feedback terms added to the query. */
  terms: number;
  /** Weight of the original query in the interpolation (1 − this goes to feedback terms). */
  originalWeight: number;
  /** Terms in more than this fraction of documents are not used as feedback terms. */
  maxDocFreqRatio: number;
  /**
   * The first `keepTop` hits of the first pass keep their ranks; the feedback query ranks the
   * rest. Feedback is a recall tool (it finds relevant documents that share few words with the
   * query) that tends to reorder the head for the worse; 0 lets it rank everything.
   */
  keepTop: number;
}

export interface RetrievalParams {
  /** Where these numbers come from (e.g. "fitted on SciFact train by eval/fit-bm25.ts"). */
  name: string;
  /**
   * `bm25f`: one saturation over the weighted, length-normalized term frequencies of all fields
   * (Robertson, Zaragoza & Taylor 2004); `bm25-fields`: a weighted sum of per-field BM25 scores,
   * each with its own document frequencies (Lucene's multi-field query, Pyserini "multifield").
   */
  scoring: 'bm25f' | 'bm25-fields';
  /** Term-frequency saturation. */
  k1: number;
  /** Per field, by field name; every field of the index must be listed. */
  fields: Record<string, FieldParams>;
  analyzer: AnalyzerOptions;
  /**
   * Proximity as ordered bigrams: pairs of consecutive terms (after stop-word removal) are
   * indexed as terms of an extra "bigrams" field, and the query's consecutive pairs are scored
   * against it with this query weight (a cheap form of the sequential dependence model).
   * Null for none. Turning it on or off needs a rebuild; its weight and b do not.
   */
  bigrams: BigramParams | null;
  /** Pseudo-relevance feedback, or null for none. */
  prf: PrfParams | null;
}

export interface BigramParams {
  /** Query weight of each bigram relative to a single query term; > 0. */
  weight: number;
  /** Length normalization of the bigram field, 0 … 1. */
  b: number;
}

/** Thrown for parameters that make no sense; the message names the parameter. */
export class RetrievalParamsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetrievalParamsError';
  }
}

const finiteIn = (v: number, lo: number, hi: number): boolean => Number.isFinite(v) && v >= lo && v <= hi;

/** Check a parameter set against the index's field names; throws RetrievalParamsError. */
export function validateParams(p: RetrievalParams, fieldNames: readonly string[]): void {
  if (!finiteIn(p.k1, 0, 100)) throw new RetrievalParamsError(`k1 must be a number in [0, 100], got ${p.k1}`);
  for (const f of fieldNames) {
    const fp = p.fields[f];
    if (fp === undefined) throw new RetrievalParamsError(`params.fields has no entry for field "${f}"`);
    if (!finiteIn(fp.weight, 0, 1000))
      throw new RetrievalParamsError(`fields.${f}.weight must be in [0, 1000], got ${fp.weight}`);
    if (!finiteIn(fp.b, 0, 1)) throw new RetrievalParamsError(`fields.${f}.b must be in [0, 1], got ${fp.b}`);
  }
  for (const f of Object.keys(p.fields)) {
    if (!fieldNames.includes(f))
      throw new RetrievalParamsError(`params.fields names "${f}", which the index does not have`);
  }
  if (p.bigrams !== null) {
    if (!finiteIn(p.bigrams.weight, 0, 1000) || p.bigrams.weight === 0)
      throw new RetrievalParamsError(`bigrams.weight must be in (0, 1000], got ${p.bigrams.weight}`);
    if (!finiteIn(p.bigrams.b, 0, 1))
      throw new RetrievalParamsError(`bigrams.b must be in [0, 1], got ${p.bigrams.b}`);
  }
  if (p.prf !== null) {
    const { docs, terms, originalWeight, maxDocFreqRatio } = p.prf;
    if (!Number.isInteger(docs) || docs < 1 || docs > 1000)
      throw new RetrievalParamsError(`prf.docs must be an integer in [1, 1000], got ${docs}`);
    if (!Number.isInteger(terms) || terms < 1 || terms > 1000)
      throw new RetrievalParamsError(`prf.terms must be an integer in [1, 1000], got ${terms}`);
    if (!finiteIn(originalWeight, 0, 1))
      throw new RetrievalParamsError(`prf.originalWeight must be in [0, 1], got ${originalWeight}`);
    if (!finiteIn(maxDocFreqRatio, 0, 1))
      throw new RetrievalParamsError(`prf.maxDocFreqRatio must be in [0, 1], got ${maxDocFreqRatio}`);
    if (!Number.isInteger(p.prf.keepTop) || p.prf.keepTop < 0 || p.prf.keepTop > 1000) {
      throw new RetrievalParamsError(`prf.keepTop must be an integer in [0, 1000], got ${p.prf.keepTop}`);
    }
  }
}
