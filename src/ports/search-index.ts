/**
 * @module ports/search-index
 * The retriever port: what the answer engine needs from a search index, whatever is behind it
 * (the in-memory BM25 index of `pipeline/retrieve`, or later OpenSearch for a research corpus).
 * Kept small on purpose. Every result carries the parameters it was computed with, so that an
 * answer's audit record can say exactly how its evidence was ranked.
 */

/** One ranked document. */
export interface Hit {
  id: string;
  /** Higher is better; comparable only within one result. Always > 0 (no-match documents are not hits). */
  score: number;
  /** Contribution of each field to `score` (sums to it), when asked for with `explain`. */
  fieldScores?: Record<string, number>;
}

/** Text with a weight (e.g. a concept's synonyms, added to a query by the caller). */
export interface WeightedText {
  text: string;
  /** > 0; 1 weighs like a word of the query itself. */
  weight: number;
}

/** A query: plain text, or text plus weighted extra text (analyzed the same way as documents). */
export type Query = string | { text: string; boosts?: readonly WeightedText[] };

export interface SearchOptions {
  /** How many hits at most (≥ 1). */
  k: number;
  /** Only documents for which this returns true can be hits (called on candidates only). */
  filter?: (id: string) => boolean;
  /** Fill `Hit.fieldScores`. */
  explain?: boolean;
}

/** A query's analyzed terms and their weights, as actually scored (after expansion and feedback). */
export interface QueryTerm {
  term: string;
  weight: number;
  /**
   * Where the term came from: the query text, a boost, the expansion hook, a pair of consecutive
   * query terms (proximity), or pseudo-relevance feedback.
   */
  origin: 'query' | 'boost' | 'expansion' | 'proximity' | 'feedback';
}

export interface SearchResult<P> {
  hits: Hit[];
  /** The parameters used for this search (index parameters plus per-query options). */
  params: P;
  terms: QueryTerm[];
}

export interface IndexStats<P> {
  docs: number;
  terms: number;
  postings: number;
  /** Mean length (in terms) of each field. */
  avgFieldLength: Record<string, number>;
  /** Approximate bytes held by the index's arrays. */
  bytes: number;
  params: P;
}

/** A search index over documents of type D, configured by parameters of type P. */
export interface SearchIndex<D, P = unknown> {
  /** Add documents; an id seen before is an error (nothing of that batch is added). */
  add(docs: Iterable<D>): void;
  search(query: Query, opts: SearchOptions): SearchResult<P>;
  readonly size: number;
  stats(): IndexStats<P>;
}
