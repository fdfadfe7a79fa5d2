/**
 * @module pipeline/retrieve/lexical-index
 * Our in-memory inverted index with BM25F / multi-field BM25 scoring, RM3-style pseudo-relevance
 * feedback and a query-expansion hook. Written here rather than taken from a library because of
 * the speed target (query p50 ≤ a fifth of SQLite FTS5's) and because none of the JavaScript
 * libraries measured (Orama, MiniSearch) offers BM25F with per-field b, feedback, or a result
 * that records its parameters: see docs/decisions/0002-lexical-retriever.md for the measurement.
 *
 * Layout (built once per index, then immutable until the next `add`):
 * - a forward buffer, one entry per (document, distinct term): term id and per-field term
 *   frequencies, documents contiguous (this is also what feedback reads);
 * - postings in CSR form: per term, an ascending run of document numbers, each pointing at its
 *   forward entry, plus a precomputed impact (the term's full BM25 contribution for that
 *   document), so a query is a sum of `weight × impact` over the query terms' postings.
 * A query touches only the postings of its terms: scores go to a reusable accumulator with an
 * epoch mark (no per-query allocation proportional to the corpus), and a top-k heap selects.
 */
import type {
  Hit,
  IndexStats,
  Query,
  QueryTerm,
  SearchIndex,
  SearchOptions,
  SearchResult,
  WeightedText,
} from '../../ports/search-index.js';
import { validateParams, type PrfParams, type RetrievalParams } from './params.js';
import { TopK } from './topk.js';
import { toTerms, tokenize } from './tokenize.js';

/** How to read one field's text from a document. */
export interface FieldSpec<D> {
  name: string;
  /** A string, several strings (e.g. concept labels), or nothing. */
  get: (doc: D) => string | readonly string[] | null | undefined;
}

/**
 * Query expansion: receives the query's surface tokens (normalized, not stemmed, stop words
 * kept, in order, so that multi-word phrases can be matched) and returns extra text with
 * weights; the text is analyzed like the documents. The answer engine plugs terminology concept
 * expansion and synonyms in here.
 */
export type ExpandHook = (tokens: readonly string[]) => readonly WeightedText[];

export interface LexicalIndexConfig<D> {
  id: (doc: D) => string;
  fields: ReadonlyArray<FieldSpec<D>>;
  params: RetrievalParams;
  expand?: ExpandHook;
}

/** What a search result records as its parameters. */
export interface LexicalSearchParams extends RetrievalParams {
  /** Whether an expansion hook was applied to this query. */
  expansion: boolean;
}

/** Bad documents or queries; the message names what is wrong. */
export class SearchIndexError extends Error {
  readonly code:
    | 'duplicate-id'
    | 'invalid-document'
    | 'invalid-query'
    | 'invalid-options'
    | 'reentrant-search'
    | 'invalid-snapshot';
  constructor(code: SearchIndexError['code'], message: string) {
    super(message);
    this.name = 'SearchIndexError';
    this.code = code;
  }
}

/** Name of the proximity pseudo-field (in `fieldScores` and stats). */
export const BIGRAM_FIELD = 'bigrams';

/** Term frequencies are stored in 16 bits; a term repeated more often than this counts as this. */
const MAX_TF = 65_535;

class GrowableInt32 {
  data = new Int32Array(1024);
  length = 0;
  /** Drop the spare capacity (the next push grows it again). */
  shrink(): void {
    if (this.data.length > this.length) this.data = this.data.slice(0, Math.max(1, this.length));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

class GrowableUint16 {
  data = new Uint16Array(1024);
  length = 0;
  /** Drop the spare capacity (the next push grows it again). */
  shrink(): void {
    if (this.data.length > this.length) this.data = this.data.slice(0, Math.max(1, this.length));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint16Array(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

class GrowableFloat64 {
  data = new Float64Array(256);
  length = 0;
  /** Drop the spare capacity (the next push grows it again). */
  shrink(): void {
    if (this.data.length > this.length) this.data = this.data.slice(0, Math.max(1, this.length));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(Math.max(1024, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Arrays derived from the documents (valid until the next `add`). */
interface Compiled {
  n: number;
  /** df per term (over the whole document). */
  df: Int32Array;
  /** Postings of term t are offsets[t] … offsets[t+1]-1. */
  offsets: Int32Array;
  postDoc: Int32Array;
  /** Index of the posting's entry in the forward buffer. */
  postFwd: Int32Array;
  /** Mean length of each field over all documents. */
  avgLen: Float64Array;
  /** Per-field document frequency, [t * F + f] (used by bm25-fields and to explain). */
  dfField: Int32Array;
}

/** Arrays derived from the documents and the parameters. */
interface Scored {
  impact: Float32Array;
  /** Per document and field: 1 − b + b·len/avg, [d * F + f]. */
  norm: Float64Array;
  /** bm25f: idf per term; bm25-fields: idf per term and field, [t * F + f]. */
  idf: Float64Array;
}

/** Lucene's BM25 idf: never negative, so a term in every document still counts a little. */
/** A bigram term: the space cannot occur inside a single term, so bigrams never collide with words. */
const bigram = (a: string, b: string): string => `${a} ${b}`;

const bm25Idf = (n: number, df: number): number => Math.log(1 + (n - df + 0.5) / (df + 0.5));

/**
 * An in-memory BM25 index over documents of type D. Build it, then search; adding documents
 * later recompiles on the next search. Searches are synchronous and must not be nested (a
 * filter callback may not search the same index).
 */
export class LexicalIndex<D> implements SearchIndex<D, LexicalSearchParams> {
  private readonly idOf: (doc: D) => string;
  private readonly fields: ReadonlyArray<FieldSpec<D>>;
  /** User fields, then the bigram pseudo-field when proximity is on. */
  private readonly fieldNames: readonly string[];
  /** Number of user fields (the bigram field, if any, comes after them). */
  private readonly userFields: number;
  private readonly hasBigrams: boolean;
  private readonly expandHook: ExpandHook | undefined;
  private params: RetrievalParams;

  private readonly termIds = new Map<string, number>();
  private readonly termStrings: string[] = [];
  private readonly docIds: string[] = [];
  private readonly docNumbers = new Map<string, number>();
  /** Forward buffer, one entry per (document, distinct term): term id, and per-field tf [entry * F + f]. */
  private readonly fwdTerm = new GrowableInt32();
  private readonly fwdTf = new GrowableUint16();
  /** Start of each document's entries in the forward buffer (one per document). */
  private readonly docStart = new GrowableInt32();
  /** Field lengths in terms, [d * F + f]. */
  private readonly fieldLen = new GrowableFloat64();

  private compiled: Compiled | null = null;
  private scored: Scored | null = null;
  private acc = new Float64Array(0);
  private mark = new Uint32Array(0);
  private touched = new Int32Array(0);
  private epoch = 0;
  private searching = false;

  constructor(config: LexicalIndexConfig<D>) {
    this.idOf = config.id;
    this.fields = config.fields;
    const names = config.fields.map((f) => f.name);
    if (names.length === 0)
      throw new SearchIndexError('invalid-options', 'a lexical index needs at least one field');
    if (new Set(names).size !== names.length) {
      throw new SearchIndexError('invalid-options', `field names must be unique: ${names.join(', ')}`);
    }
    this.hasBigrams = config.params.bigrams !== null;
    if (this.hasBigrams && names.includes(BIGRAM_FIELD)) {
      throw new SearchIndexError(
        'invalid-options',
        `"${BIGRAM_FIELD}" is the proximity field's name; rename that field`,
      );
    }
    validateParams(config.params, names);
    this.userFields = names.length;
    this.fieldNames = this.hasBigrams ? [...names, BIGRAM_FIELD] : names;
    this.params = config.params;
    this.expandHook = config.expand;
  }

  get size(): number {
    return this.docIds.length;
  }

  /** The index's parameters (without per-query options). */
  get parameters(): RetrievalParams {
    return this.params;
  }

  add(docs: Iterable<D>): void {
    const F = this.fieldNames.length;
    // Validate the whole batch before touching the index, so a bad document adds nothing.
    const batch: Array<{ id: string; texts: string[][] }> = [];
    const seen = new Set<string>();
    let i = 0;
    for (const doc of docs) {
      const id = this.idOf(doc);
      if (typeof id !== 'string' || id.length === 0) {
        throw new SearchIndexError(
          'invalid-document',
          `document #${i} of the batch has no id (got ${JSON.stringify(id)})`,
        );
      }
      if (this.docNumbers.has(id) || seen.has(id))
        throw new SearchIndexError('duplicate-id', `duplicate document id "${id}"`);
      seen.add(id);
      const texts: string[][] = [];
      for (const field of this.fields) {
        const v = field.get(doc);
        if (v === null || v === undefined) texts.push([]);
        else if (typeof v === 'string') texts.push([v]);
        else if (Array.isArray(v) && v.every((s) => typeof s === 'string')) texts.push(v as string[]);
        else
          throw new SearchIndexError(
            'invalid-document',
            `document "${id}": field "${field.name}" is not a string or a list of strings`,
          );
      }
      batch.push({ id, texts });
      i++;
    }
    const analyzer = this.params.analyzer;
    const slotOf = new Map<number, number>();
    const tfs: number[] = [];
    for (const { id, texts } of batch) {
      const d = this.docIds.length;
      this.docIds.push(id);
      this.docNumbers.set(id, d);
      this.docStart.push(this.fwdTerm.length);
      slotOf.clear();
      tfs.length = 0;
      const count = (term: string, f: number): void => {
        let t = this.termIds.get(term);
        if (t === undefined) {
          t = this.termStrings.length;
          this.termIds.set(term, t);
          this.termStrings.push(term);
        }
        let slot = slotOf.get(t);
        if (slot === undefined) {
          slot = slotOf.size;
          slotOf.set(t, slot);
          for (let g = 0; g < F; g++) tfs.push(0);
        }
        tfs[slot * F + f]!++;
      };
      let bigramLen = 0;
      for (let f = 0; f < this.userFields; f++) {
        let len = 0;
        for (const text of texts[f]!) {
          const terms = toTerms(tokenize(text, analyzer), analyzer);
          len += terms.length;
          for (const term of terms) count(term, f);
          if (this.hasBigrams) {
            for (let j = 0; j + 1 < terms.length; j++)
              count(bigram(terms[j]!, terms[j + 1]!), this.userFields);
            bigramLen += Math.max(0, terms.length - 1);
          }
        }
        this.fieldLen.push(len);
      }
      if (this.hasBigrams) this.fieldLen.push(bigramLen);
      for (const [t, slot] of slotOf) {
        this.fwdTerm.push(t);
        for (let f = 0; f < F; f++) this.fwdTf.push(Math.min(MAX_TF, tfs[slot * F + f]!));
      }
    }
    this.compiled = null;
    this.scored = null;
  }

  /**
   * Change the scoring parameters (k1, b, field weights, scoring mode, feedback) without
   * re-reading the documents: used by the fitting script. The analyzer cannot change here,
   * because the terms were produced by it; build a new index for that.
   */
  reparameterize(params: RetrievalParams): void {
    validateParams(params, this.fieldNames.slice(0, this.userFields));
    if (JSON.stringify(params.analyzer) !== JSON.stringify(this.params.analyzer)) {
      throw new SearchIndexError(
        'invalid-options',
        'the analyzer cannot change on a built index; build a new index',
      );
    }
    if ((params.bigrams !== null) !== this.hasBigrams) {
      throw new SearchIndexError(
        'invalid-options',
        'bigrams cannot be switched on or off on a built index; build a new index',
      );
    }
    this.params = params;
    this.scored = null;
  }

  /**
   * Weight and b per stored field. The bigram field has weight 1 inside the score (bigram terms
   * occur in no other field, so its weight would only rescale their tf); its query weight applies
   * to the query's bigram terms instead.
   */
  private fieldWeights(): { w: number[]; b: number[] } {
    const p = this.params;
    const user = this.fieldNames.slice(0, this.userFields);
    const w = user.map((f) => p.fields[f]!.weight);
    const b = user.map((f) => p.fields[f]!.b);
    if (p.bigrams !== null) {
      w.push(1);
      b.push(p.bigrams.b);
    }
    return { w, b };
  }

  private compile(): Compiled {
    if (this.compiled !== null) return this.compiled;
    const F = this.fieldNames.length;
    const n = this.docIds.length;
    const T = this.termStrings.length;
    const P = this.fwdTerm.length;
    // Build-time spare capacity is not needed any more (it was up to half of these arrays).
    for (const g of [this.fwdTerm, this.fwdTf, this.docStart, this.fieldLen]) g.shrink();
    const fwdTerm = this.fwdTerm.data;
    const fwdTf = this.fwdTf.data;
    const df = new Int32Array(T);
    const dfField = new Int32Array(T * F);
    for (let p = 0; p < P; p++) {
      const t = fwdTerm[p]!;
      df[t]!++;
      for (let f = 0; f < F; f++) if (fwdTf[p * F + f]! > 0) dfField[t * F + f]!++;
    }
    const offsets = new Int32Array(T + 1);
    for (let t = 0; t < T; t++) offsets[t + 1] = offsets[t]! + df[t]!;
    // Counting sort by term; entries are in document order, so each posting run is ascending.
    const cursor = offsets.slice(0, T);
    const postDoc = new Int32Array(P);
    const postFwd = new Int32Array(P);
    const docStart = this.docStart.data;
    for (let d = 0; d < n; d++) {
      const end = d + 1 < n ? docStart[d + 1]! : P;
      for (let p = docStart[d]!; p < end; p++) {
        const q = cursor[fwdTerm[p]!]!++;
        postDoc[q] = d;
        postFwd[q] = p;
      }
    }
    const avgLen = new Float64Array(F);
    for (let d = 0; d < n; d++) for (let f = 0; f < F; f++) avgLen[f]! += this.fieldLen.data[d * F + f]!;
    for (let f = 0; f < F; f++) avgLen[f] = n > 0 ? avgLen[f]! / n : 0;
    this.acc = new Float64Array(n);
    this.mark = new Uint32Array(n);
    this.touched = new Int32Array(n);
    this.epoch = 0;
    this.compiled = { n, df, offsets, postDoc, postFwd, avgLen, dfField };
    return this.compiled;
  }

  private score(): Scored {
    if (this.scored !== null) return this.scored;
    const c = this.compile();
    const F = this.fieldNames.length;
    const T = this.termStrings.length;
    const p = this.params;
    const { w, b } = this.fieldWeights();
    const norm = new Float64Array(c.n * F);
    for (let d = 0; d < c.n; d++) {
      for (let f = 0; f < F; f++) {
        const avg = c.avgLen[f]!;
        norm[d * F + f] = avg > 0 ? 1 - b[f]! + (b[f]! * this.fieldLen.data[d * F + f]!) / avg : 1;
      }
    }
    const fwdTf = this.fwdTf.data;
    const impact = new Float32Array(c.postDoc.length);
    const k1 = p.k1;
    let idf: Float64Array;
    if (p.scoring === 'bm25f') {
      idf = new Float64Array(T);
      for (let t = 0; t < T; t++) idf[t] = bm25Idf(c.n, c.df[t]!);
      for (let t = 0; t < T; t++) {
        const it = idf[t]!;
        for (let q = c.offsets[t]!; q < c.offsets[t + 1]!; q++) {
          const d = c.postDoc[q]!;
          const e = c.postFwd[q]! * F;
          let tfw = 0;
          for (let f = 0; f < F; f++) tfw += (w[f]! * fwdTf[e + f]!) / norm[d * F + f]!;
          impact[q] = tfw > 0 ? (it * tfw) / (tfw + k1) : 0;
        }
      }
    } else {
      idf = new Float64Array(T * F);
      for (let t = 0; t < T; t++)
        for (let f = 0; f < F; f++) idf[t * F + f] = bm25Idf(c.n, c.dfField[t * F + f]!);
      for (let t = 0; t < T; t++) {
        for (let q = c.offsets[t]!; q < c.offsets[t + 1]!; q++) {
          const d = c.postDoc[q]!;
          const e = c.postFwd[q]! * F;
          let s = 0;
          for (let f = 0; f < F; f++) {
            const tf = fwdTf[e + f]!;
            if (tf > 0) s += (w[f]! * idf[t * F + f]! * tf) / (tf + k1 * norm[d * F + f]!);
          }
          impact[q] = s;
        }
      }
    }
    this.scored = { impact, norm, idf };
    return this.scored;
  }

  /** Analyze a query into weighted term ids (unknown terms are kept in `terms` with no id). */
  private buildQuery(query: Query): { weights: Map<number, number>; terms: QueryTerm[]; expanded: boolean } {
    const analyzer = this.params.analyzer;
    let text: string;
    let boosts: readonly WeightedText[] = [];
    if (typeof query === 'string') text = query;
    else if (query !== null && typeof query === 'object' && typeof query.text === 'string') {
      text = query.text;
      boosts = query.boosts ?? [];
    } else
      throw new SearchIndexError(
        'invalid-query',
        'a query is a string or { text: string, boosts?: [{ text, weight }] }',
      );
    for (const b of boosts) {
      if (typeof b.text !== 'string' || !(Number.isFinite(b.weight) && b.weight > 0)) {
        throw new SearchIndexError(
          'invalid-query',
          `each boost needs a text and a weight > 0 (got ${JSON.stringify(b)})`,
        );
      }
    }
    const byTerm = new Map<string, QueryTerm>();
    const addTerms = (terms: readonly string[], weight: number, origin: QueryTerm['origin']): void => {
      for (const term of terms) {
        const qt = byTerm.get(term);
        if (qt === undefined) byTerm.set(term, { term, weight, origin });
        else qt.weight += weight;
      }
    };
    const surface = tokenize(text, analyzer);
    const queryTerms = toTerms(surface, analyzer);
    addTerms(queryTerms, 1, 'query');
    if (this.params.bigrams !== null) {
      const pairs: string[] = [];
      for (let j = 0; j + 1 < queryTerms.length; j++) pairs.push(bigram(queryTerms[j]!, queryTerms[j + 1]!));
      addTerms(pairs, this.params.bigrams.weight, 'proximity');
    }
    for (const b of boosts) addTerms(toTerms(tokenize(b.text, analyzer), analyzer), b.weight, 'boost');
    let expanded = false;
    if (this.expandHook !== undefined) {
      expanded = true;
      for (const e of this.expandHook(surface)) {
        if (typeof e.text !== 'string' || !(Number.isFinite(e.weight) && e.weight > 0)) {
          throw new SearchIndexError(
            'invalid-query',
            `the expansion hook returned an invalid entry ${JSON.stringify(e)}`,
          );
        }
        addTerms(toTerms(tokenize(e.text, analyzer), analyzer), e.weight, 'expansion');
      }
    }
    const weights = new Map<number, number>();
    for (const qt of byTerm.values()) {
      const t = this.termIds.get(qt.term);
      if (t !== undefined) weights.set(t, qt.weight);
    }
    return { weights, terms: [...byTerm.values()], expanded };
  }

  /** Score the postings of the weighted terms and keep the best k documents passing the filter. */
  private run(
    weights: Map<number, number>,
    k: number,
    filter: ((id: string) => boolean) | undefined,
  ): Array<{ doc: number; score: number }> {
    const c = this.compile();
    const { impact } = this.score();
    const acc = this.acc;
    const mark = this.mark;
    const touched = this.touched;
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      mark.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    let nTouched = 0;
    for (const [t, w] of weights) {
      const end = c.offsets[t + 1]!;
      for (let q = c.offsets[t]!; q < end; q++) {
        const d = c.postDoc[q]!;
        if (mark[d] !== epoch) {
          mark[d] = epoch;
          acc[d] = 0;
          touched[nTouched++] = d;
        }
        acc[d]! += w * impact[q]!;
      }
    }
    const heap = new TopK(Math.min(k, c.n));
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      const s = acc[d]!;
      if (!(s > 0) || !heap.accepts(s, d)) continue;
      if (filter !== undefined && !filter(this.docIds[d]!)) continue;
      heap.push(s, d);
    }
    return heap.drain();
  }

  /** RM3: a relevance model from the feedback documents, interpolated with the original query. */
  private feedback(
    original: Map<number, number>,
    top: ReadonlyArray<{ doc: number; score: number }>,
    prf: PrfParams,
  ): Map<number, number> {
    const c = this.compile();
    const F = this.fieldNames.length;
    const U = this.userFields;
    const fwdTerm = this.fwdTerm.data;
    const fwdTf = this.fwdTf.data;
    const docStart = this.docStart.data;
    const maxDf = prf.maxDocFreqRatio * c.n;
    const rm = new Map<number, number>();
    for (const { doc, score } of top.slice(0, prf.docs)) {
      const start = docStart[doc]!;
      const end = doc + 1 < this.docIds.length ? docStart[doc + 1]! : this.fwdTerm.length;
      // Single terms only: bigram entries have tf 0 in every user field.
      let len = 0;
      for (let e = start; e < end; e++) for (let f = 0; f < U; f++) len += fwdTf[e * F + f]!;
      if (len === 0) continue;
      for (let e = start; e < end; e++) {
        const t = fwdTerm[e]!;
        if (c.df[t]! > maxDf) continue;
        let tf = 0;
        for (let f = 0; f < U; f++) tf += fwdTf[e * F + f]!;
        if (tf === 0) continue;
        rm.set(t, (rm.get(t) ?? 0) + (score * tf) / len);
      }
    }
    const best = [...rm].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, prf.terms);
    const rmSum = best.reduce((s, [, v]) => s + v, 0);
    let origSum = 0;
    for (const v of original.values()) origSum += v;
    const out = new Map<number, number>();
    for (const [t, v] of original) out.set(t, (prf.originalWeight * v) / origSum);
    if (rmSum > 0) {
      for (const [t, v] of best) out.set(t, (out.get(t) ?? 0) + ((1 - prf.originalWeight) * v) / rmSum);
    }
    return out;
  }

  search(query: Query, opts: SearchOptions): SearchResult<LexicalSearchParams> {
    if (!Number.isInteger(opts.k) || opts.k < 1) {
      throw new SearchIndexError('invalid-options', `k must be an integer ≥ 1, got ${String(opts.k)}`);
    }
    if (this.searching)
      throw new SearchIndexError(
        'reentrant-search',
        'search called from inside a search (e.g. from a filter)',
      );
    this.searching = true;
    try {
      const { weights, terms, expanded } = this.buildQuery(query);
      const params: LexicalSearchParams = { ...this.params, expansion: expanded };
      if (weights.size === 0 || this.docIds.length === 0) return { hits: [], params, terms };
      const prf = this.params.prf;
      let hits: Hit[];
      if (prf === null) {
        hits = this.run(weights, opts.k, opts.filter).map(({ doc, score }) =>
          this.hit(doc, score, weights, 1, opts.explain),
        );
      } else {
        const keep = Math.min(prf.keepTop, opts.k);
        const first = this.run(weights, Math.max(prf.docs, keep), opts.filter);
        const fbWeights = first.length > 0 ? this.feedback(weights, first, prf) : weights;
        const head = first.slice(0, keep);
        const inHead = new Set(head.map((h) => h.doc));
        const second = this.run(fbWeights, opts.k + head.length, opts.filter)
          .filter((h) => !inHead.has(h.doc))
          .slice(0, opts.k - head.length);
        // The tail was scored by another query: rescale it below the head so scores stay monotonic.
        const headMin = head.length > 0 ? head[head.length - 1]!.score : Infinity;
        const tailMax = second.length > 0 ? second[0]!.score : 0;
        const factor = tailMax >= headMin ? (headMin / tailMax) * (1 - 1e-9) : 1;
        hits = [
          ...head.map(({ doc, score }) => this.hit(doc, score, weights, 1, opts.explain)),
          ...second.map(({ doc, score }) => this.hit(doc, score * factor, fbWeights, factor, opts.explain)),
        ];
        // Record feedback terms, and the interpolated weights of the original terms.
        const inQuery = new Set(weights.keys());
        for (const qt of terms) {
          const t = this.termIds.get(qt.term);
          if (t !== undefined) qt.weight = fbWeights.get(t) ?? qt.weight;
        }
        for (const [t, w] of fbWeights) {
          if (!inQuery.has(t)) terms.push({ term: this.termStrings[t]!, weight: w, origin: 'feedback' });
        }
      }
      return { hits, params, terms };
    } finally {
      this.searching = false;
    }
  }

  private hit(
    doc: number,
    score: number,
    weights: Map<number, number>,
    scale: number,
    explain: boolean | undefined,
  ): Hit {
    const hit: Hit = { id: this.docIds[doc]!, score };
    if (explain === true) {
      const parts = this.explain(doc, weights);
      for (const k of Object.keys(parts)) parts[k]! *= scale;
      hit.fieldScores = parts;
    }
    return hit;
  }

  /** Split a document's score into per-field parts that sum to it. */
  private explain(doc: number, weights: Map<number, number>): Record<string, number> {
    const c = this.compile();
    const s = this.score();
    const F = this.fieldNames.length;
    const p = this.params;
    const { w } = this.fieldWeights();
    const parts = new Float64Array(F);
    for (const [t, qw] of weights) {
      // Binary search for the document in the term's ascending posting run.
      let lo = c.offsets[t]!;
      let hi = c.offsets[t + 1]! - 1;
      let q = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const d = c.postDoc[mid]!;
        if (d === doc) {
          q = mid;
          break;
        }
        if (d < doc) lo = mid + 1;
        else hi = mid - 1;
      }
      if (q < 0) continue;
      const e = c.postFwd[q]! * F;
      const tfs = this.fwdTf.data;
      if (p.scoring === 'bm25f') {
        let tfw = 0;
        for (let f = 0; f < F; f++) tfw += (w[f]! * tfs[e + f]!) / s.norm[doc * F + f]!;
        if (tfw === 0) continue;
        const total = qw * s.impact[q]!;
        for (let f = 0; f < F; f++)
          parts[f]! += (total * ((w[f]! * tfs[e + f]!) / s.norm[doc * F + f]!)) / tfw;
      } else {
        for (let f = 0; f < F; f++) {
          const tf = tfs[e + f]!;
          if (tf > 0) parts[f]! += (qw * w[f]! * s.idf[t * F + f]! * tf) / (tf + p.k1 * s.norm[doc * F + f]!);
        }
      }
    }
    const out: Record<string, number> = {};
    this.fieldNames.forEach((name, f) => (out[name] = parts[f]!));
    return out;
  }

  /**
   * The analyzed documents as bytes, for a faster start-up than re-tokenizing (see
   * `LexicalIndex.load`). Only what tokenizing produced is stored; the postings and scores are
   * recomputed on load, so a snapshot can be loaded with other k1/b/weights (not another analyzer).
   * Layout: magic, header length, JSON header (fields, analyzer, ids, terms), then field lengths
   * (float64), entries' term ids and document starts (int32), entries' term frequencies (uint16).
   */
  serialize(): Uint8Array {
    const F = this.fieldNames.length;
    const n = this.docIds.length;
    const P = this.fwdTerm.length;
    const header: SnapshotHeader = {
      format: SNAPSHOT_FORMAT,
      fieldNames: [...this.fieldNames],
      analyzer: this.params.analyzer,
      docs: n,
      entries: P,
      docIds: this.docIds,
      terms: this.termStrings,
    };
    const json = new TextEncoder().encode(JSON.stringify(header));
    const start = align8(8 + json.length);
    const out = new Uint8Array(start + n * F * 8 + P * 4 + n * 4 + P * F * 2);
    const view = new DataView(out.buffer);
    view.setUint32(0, SNAPSHOT_MAGIC, true);
    view.setUint32(4, json.length, true);
    out.set(json, 8);
    let off = start;
    new Float64Array(out.buffer, off, n * F).set(this.fieldLen.data.subarray(0, n * F));
    off += n * F * 8;
    new Int32Array(out.buffer, off, P).set(this.fwdTerm.data.subarray(0, P));
    off += P * 4;
    new Int32Array(out.buffer, off, n).set(this.docStart.data.subarray(0, n));
    off += n * 4;
    new Uint16Array(out.buffer, off, P * F).set(this.fwdTf.data.subarray(0, P * F));
    return out;
  }

  /**
   * An index from `serialize()` bytes. The config must have the same field names (and bigram
   * field) and the same analyzer as the index that was serialized; scoring parameters may differ.
   * Bytes that are not a valid snapshot throw SearchIndexError('invalid-snapshot').
   */
  static load<D>(bytes: Uint8Array, config: LexicalIndexConfig<D>): LexicalIndex<D> {
    const bad = (why: string): SearchIndexError =>
      new SearchIndexError('invalid-snapshot', `not a valid index snapshot: ${why}`);
    const index = new LexicalIndex(config);
    // Typed-array views need aligned offsets; a Buffer from a pool may not be.
    const buf = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
    if (buf.length < 8) throw bad('too short');
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    if (view.getUint32(0, true) !== SNAPSHOT_MAGIC) throw bad('wrong magic number');
    const jsonLength = view.getUint32(4, true);
    if (8 + jsonLength > buf.length) throw bad('header longer than the data');
    let h: SnapshotHeader;
    try {
      h = JSON.parse(
        new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + jsonLength)),
      ) as SnapshotHeader;
    } catch {
      throw bad('unreadable header');
    }
    if (h === null || typeof h !== 'object' || h.format !== SNAPSHOT_FORMAT)
      throw bad(`format ${String(h?.format)} (expected ${SNAPSHOT_FORMAT})`);
    if (!Array.isArray(h.fieldNames) || JSON.stringify(h.fieldNames) !== JSON.stringify(index.fieldNames)) {
      throw bad(
        `fields ${JSON.stringify(h.fieldNames)} differ from the config's ${JSON.stringify(index.fieldNames)}`,
      );
    }
    if (JSON.stringify(h.analyzer) !== JSON.stringify(index.params.analyzer)) {
      throw bad(
        `analyzer ${JSON.stringify(h.analyzer)} differs from the config's ${JSON.stringify(index.params.analyzer)}`,
      );
    }
    const n = h.docs;
    const P = h.entries;
    const F = index.fieldNames.length;
    if (!Number.isInteger(n) || !Number.isInteger(P) || n < 0 || P < 0) throw bad('bad counts');
    if (!Array.isArray(h.docIds) || h.docIds.length !== n || !Array.isArray(h.terms))
      throw bad('bad id or term lists');
    const start = align8(8 + jsonLength);
    if (buf.length !== start + n * F * 8 + P * 4 + n * 4 + P * F * 2)
      throw bad('length does not match the header');
    let off = buf.byteOffset + start;
    const fieldLen = new Float64Array(buf.buffer, off, n * F).slice();
    off += n * F * 8;
    const fwdTerm = new Int32Array(buf.buffer, off, P).slice();
    off += P * 4;
    const docStart = new Int32Array(buf.buffer, off, n).slice();
    off += n * 4;
    const fwdTf = new Uint16Array(buf.buffer, off, P * F).slice();
    // Check what later code indexes with, so a damaged snapshot fails here and not as wrong scores.
    const T = h.terms.length;
    for (let p = 0; p < P; p++)
      if (!(fwdTerm[p]! >= 0 && fwdTerm[p]! < T)) throw bad(`entry ${p} names term ${fwdTerm[p]}`);
    for (let d = 0; d < n; d++) {
      const s0 = docStart[d]!;
      if (s0 < 0 || s0 > P || (d > 0 && s0 < docStart[d - 1]!) || (d === 0 && s0 !== 0))
        throw bad(`document ${d} starts at ${s0}`);
    }
    for (let i = 0; i < n * F; i++)
      if (!(fieldLen[i]! >= 0 && Number.isFinite(fieldLen[i]))) throw bad('bad field length');
    h.terms.forEach((t, i) => {
      if (typeof t !== 'string' || index.termIds.has(t)) throw bad(`term #${i} is missing or repeated`);
      index.termIds.set(t, i);
      index.termStrings.push(t);
    });
    h.docIds.forEach((id, i) => {
      if (typeof id !== 'string' || id.length === 0 || index.docNumbers.has(id))
        throw bad(`document id #${i} is missing or repeated`);
      index.docNumbers.set(id, i);
      index.docIds.push(id);
    });
    index.fieldLen.data = fieldLen;
    index.fieldLen.length = n * F;
    index.fwdTerm.data = fwdTerm;
    index.fwdTerm.length = P;
    index.docStart.data = docStart;
    index.docStart.length = n;
    index.fwdTf.data = fwdTf;
    index.fwdTf.length = P * F;
    return index;
  }

  stats(): IndexStats<LexicalSearchParams> {
    const c = this.compile();
    const s = this.score();
    const avgFieldLength: Record<string, number> = {};
    this.fieldNames.forEach((name, f) => (avgFieldLength[name] = c.avgLen[f]!));
    let bytes = 0;
    for (const a of [
      c.df,
      c.offsets,
      c.postDoc,
      c.postFwd,
      c.avgLen,
      c.dfField,
      s.impact,
      s.norm,
      s.idf,
      this.acc,
      this.mark,
      this.touched,
    ]) {
      bytes += a.byteLength;
    }
    bytes += this.fwdTerm.data.byteLength + this.fwdTf.data.byteLength;
    bytes += this.docStart.data.byteLength + this.fieldLen.data.byteLength;
    // Strings: UTF-16 code units plus a rough per-entry overhead for the two maps.
    for (const t of this.termStrings) bytes += 2 * t.length + 48;
    for (const id of this.docIds) bytes += 2 * id.length + 48;
    return {
      docs: this.docIds.length,
      terms: this.termStrings.length,
      postings: c.postDoc.length,
      avgFieldLength,
      bytes,
      params: { ...this.params, expansion: this.expandHook !== undefined },
    };
  }
}

const SNAPSHOT_MAGIC = 0x31584c46; // "FLX1", little-endian
const SNAPSHOT_FORMAT = 1;

interface SnapshotHeader {
  format: number;
  fieldNames: string[];
  analyzer: RetrievalParams['analyzer'];
  docs: number;
  entries: number;
  docIds: string[];
  terms: string[];
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Create an empty lexical index (see LexicalIndex). */
export function createLexicalIndex<D>(config: LexicalIndexConfig<D>): LexicalIndex<D> {
  return new LexicalIndex(config);
}
