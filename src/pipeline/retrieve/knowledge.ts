/**
 * @module pipeline/retrieve/knowledge
 * Retrieval over one knowledge snapshot (issue 5 item 2): published entries and imported document
 * chunks, searched three ways and fused by reciprocal rank fusion —
 *  - lexical: BM25F over title, plain statement, clinician statement and concept labels, with the
 *    question's concepts expanded into their English synonyms (a French question about "FIV"
 *    meets English entries about IVF);
 *  - concept: entries tagged with the question's concepts (or narrower ones), weighted by how
 *    specific each concept is in the bank;
 *  - dense: an optional embedding retriever (off by default; see ports/embedder).
 * The fusion weights and k are named in config and returned with every result for the audit.
 * Built once per snapshot (a knowledge-bank build hook) and never mutated afterwards.
 */
import type { DocumentChunk, KnowledgeEntry } from '../../domain/knowledge.js';
import type { KnowledgeSnapshot } from '../../kb/bank.js';
import type { WeightedText } from '../../ports/search-index.js';
import type { Vocabulary } from '../../terminology/vocabulary.js';
import { createLexicalIndex, type LexicalIndex } from './lexical-index.js';
import type { RetrievalParams } from './params.js';
import { analyze } from './tokenize.js';
import { TopK } from './topk.js';
import { numbersIn } from '../synthesize/claims.js';

/** A term's first five letters: "pregnant" and "pregnancy" meet here. */
export const stem5 = (t: string): string => (t.length >= 5 ? t.slice(0, 5) : t);
import { foldTokens } from '../../terminology/text.js';
import { SpellingCorrector } from '../understand/spelling.js';
import { FUNCTION_WORDS } from '../understand/language.js';

/** One searchable unit: an entry or a chunk. */
export interface KnowledgeDoc {
  key: string;
  entry: KnowledgeEntry | null;
  chunk: DocumentChunk | null;
  title: string;
  statement: string;
  clinician: string;
  concepts: string[];
  conceptText: string[];
}

export interface FusionSettings {
  candidates: number;
  rrfK: number;
  weights: { lexical: number; concept: number; dense: number; profile: number };
  conceptExpansionWeight: number;
}

export interface Candidate {
  doc: KnowledgeDoc;
  lexical: number;
  lexicalRank: number | null;
  concept: number;
  conceptRank: number | null;
  fused: number;
}

export interface RetrievalTrace {
  fusion: FusionSettings;
  lexicalParams: RetrievalParams;
  expandedConcepts: string[];
}

/** Default lexical parameters for knowledge entries (see docs/answering.md for how they were chosen). */
export const KNOWLEDGE_INDEX_PARAMS: RetrievalParams = {
  name: 'knowledge-bank engineering defaults (BM25F; fields weighted toward titles and concept labels)',
  scoring: 'bm25f',
  k1: 1.2,
  fields: {
    title: { weight: 2, b: 0.5 },
    statement: { weight: 1, b: 0.75 },
    clinician: { weight: 1, b: 0.75 },
    concepts: { weight: 1.5, b: 0.3 },
  },
  analyzer: { mode: 'biomedical', stopWords: 'english', stem: 'porter2' },
  bigrams: null,
  prf: null,
};

export class KnowledgeIndex {
  readonly version: string;
  readonly docs: ReadonlyMap<string, KnowledgeDoc>;
  private readonly lexical: LexicalIndex<KnowledgeDoc>;
  /** concept id → keys of docs tagged with it (directly). */
  /** concept id → numbers (into docKeys) of docs tagged with it directly. */
  private readonly byConcept = new Map<string, number[]>();
  private readonly docKeys: string[] = [];
  private conceptAcc = new Float64Array(0);
  /** Every index term of the bank, to tell which question words the bank never mentions. */
  readonly vocabularyTerms: ReadonlySet<string>;
  private readonly params: RetrievalParams;
  private readonly vocabulary: Vocabulary;

  constructor(
    snapshot: KnowledgeSnapshot,
    vocabulary: Vocabulary,
    params: RetrievalParams = KNOWLEDGE_INDEX_PARAMS,
  ) {
    this.vocabulary = vocabulary;
    this.version = snapshot.version;
    this.params = params;
    const docs = new Map<string, KnowledgeDoc>();
    const label = (ids: string[]): string[] =>
      ids.flatMap((id) => [vocabulary.label(id), id.replace(/-/g, ' ')]);
    for (const e of snapshot.entries) {
      docs.set(`kb:${e.id}`, {
        key: `kb:${e.id}`,
        entry: e,
        chunk: null,
        title: e.title,
        statement: e.statement,
        clinician: e.clinicianStatement,
        concepts: e.concepts,
        conceptText: label(e.concepts),
      });
    }
    for (const c of snapshot.chunks) {
      const concepts = [...new Set(vocabulary.matcher.match(c.text).map((m) => m.id))];
      docs.set(`doc:${c.docId}#${c.id}`, {
        key: `doc:${c.docId}#${c.id}`,
        entry: null,
        chunk: c,
        title: c.headingPath.join(' > ') || c.source.document,
        statement: c.text,
        clinician: '',
        concepts,
        conceptText: label(concepts),
      });
    }
    this.docs = docs;
    for (const d of docs.values()) {
      const n = this.docKeys.push(d.key) - 1;
      for (const c of d.concepts) {
        const list = this.byConcept.get(c) ?? [];
        list.push(n);
        this.byConcept.set(c, list);
      }
    }
    this.lexical = createLexicalIndex<KnowledgeDoc>({
      id: (d) => d.key,
      fields: [
        { name: 'title', get: (d) => d.title },
        { name: 'statement', get: (d) => d.statement },
        { name: 'clinician', get: (d) => d.clinician },
        { name: 'concepts', get: (d) => d.conceptText },
      ],
      params,
    });
    this.lexical.add(docs.values());
    const df = new Map<string, number>();
    const docTerms = new Map<string, ReadonlySet<string>>();
    const focus = new Map<string, ReadonlySet<string>>();
    for (const d of docs.values()) {
      // What a document is about: its title and every English name of its concepts.
      const names = d.concepts.flatMap((c) => vocabulary.englishNames(c));
      focus.set(d.key, new Set(analyze([d.title, ...d.conceptText, ...names].join(' \n '), params.analyzer)));
      const terms = new Set(
        analyze([d.title, d.statement, d.clinician, ...d.conceptText].join(' \n '), params.analyzer),
      );
      docTerms.set(d.key, terms);
      for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
    }
    this.docTerms = docTerms;
    this.focusTerms = focus;
    // Every concept the bank speaks about: tagged on an entry, or named in its text.
    // And how many documents speak about each (tagged or named), for how specific a concept is.
    const present = new Set<string>();
    const mentions = new Map<string, number>();
    for (const d of docs.values()) {
      const here = new Set(d.concepts);
      for (const m of vocabulary.matcher.match(`${d.title} ${d.statement} ${d.clinician}`)) here.add(m.id);
      for (const c of here) {
        present.add(c);
        mentions.set(c, (mentions.get(c) ?? 0) + 1);
      }
    }
    this.conceptsPresent = present;
    this.conceptMentions = mentions;
    // Known surface words: the bank's text, every terminology synonym, and common function words.
    const surface = new Map<string, number>();
    for (const d of docs.values()) {
      for (const w of foldTokens(`${d.title} ${d.statement} ${d.clinician}`))
        surface.set(w, (surface.get(w) ?? 0) + 1);
    }
    for (const w of vocabulary.words) surface.set(w, (surface.get(w) ?? 0) + 1);
    for (const list of Object.values(FUNCTION_WORDS))
      for (const w of list) surface.set(w, (surface.get(w) ?? 0) + 1);
    this.speller = new SpellingCorrector(surface);
    this.docFreq = df;
    this.vocabularyTerms = new Set(df.keys());
  }

  private readonly docFreq: ReadonlyMap<string, number>;
  private readonly speller: SpellingCorrector;

  private readonly numbersMemo = new Map<string, ReadonlySet<string>>();
  private readonly sentencesMemo = new Map<
    string,
    ReadonlyArray<{ text: string; stems: ReadonlySet<string> }>
  >();

  /** Numbers a document states (title and statements), computed once per document. */
  numbersOf(key: string): ReadonlySet<string> {
    let n = this.numbersMemo.get(key);
    if (!n) {
      const d = this.docs.get(key);
      n = new Set(d ? numbersIn(`${d.title} ${d.statement} ${d.clinician}`) : []);
      this.numbersMemo.set(key, n);
    }
    return n;
  }

  /** A document's sentences with their terms' 5-letter stems, computed once per document. */
  sentencesOf(key: string): ReadonlyArray<{ text: string; stems: ReadonlySet<string> }> {
    let s = this.sentencesMemo.get(key);
    if (!s) {
      const d = this.docs.get(key);
      s = (d ? `${d.statement} ${d.clinician}` : '')
        .split(/(?<=[.;!?])\s+/)
        .filter((x) => x.trim())
        .map((text) => ({ text, stems: new Set(this.terms(text).map(stem5)) }));
      this.sentencesMemo.set(key, s);
    }
    return s;
  }

  /** Whether a folded word occurs in the bank, the terminology (any language) or the function-word lists. */
  knowsWord(word: string): boolean {
    return this.speller.has(word);
  }

  /** Spelling correction of an unknown question word against the bank and terminology words. */
  correct(word: string): string | null {
    return this.speller.correct(word);
  }

  /**
   * IDF-weighted share of `terms` the bank knows (1 = every term occurs in some entry). An unknown
   * term weighs as much as the rarest known term, so "how to boil an egg" scores low: only "egg"
   * is known, and it is common in the bank.
   */
  coverage(terms: readonly string[]): number {
    const uniq = [...new Set(terms)];
    if (uniq.length === 0) return 0;
    const maxIdf = Math.log(1 + this.docs.size);
    let known = 0;
    let all = 0;
    for (const t of uniq) {
      const w = this.idf(t);
      if (w > 0) {
        known += w;
        all += w;
      } else all += maxIdf;
    }
    return all > 0 ? known / all : 0;
  }
  private readonly docTerms: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly focusTerms: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly conceptsPresent: ReadonlySet<string>;
  private readonly conceptMentions: ReadonlyMap<string, number>;

  /** Whether any entry is tagged with the concept (or a narrower one) or names it in its text. */
  bankMentions(concept: string): boolean {
    if (this.conceptsPresent.has(concept)) return true;
    return this.vocabulary.descendants(concept).some((c) => this.conceptsPresent.has(c));
  }

  /** Index terms of what a document is about: its title and concept labels. */
  focusTermsOf(key: string): ReadonlySet<string> {
    return this.focusTerms.get(key) ?? new Set();
  }

  /** Index terms of one document (title, statements, concept labels), computed at build time. */
  termsOf(key: string): ReadonlySet<string> {
    return this.docTerms.get(key) ?? new Set();
  }

  /** Inverse document frequency of an index term in this bank: log(1 + N / df); 0 when absent. */
  idf(term: string): number {
    const n = this.docFreq.get(term);
    return n ? Math.log(1 + this.docs.size / n) : 0;
  }

  /** Index terms of `text` (the same analysis as the documents). */
  terms(text: string): string[] {
    return analyze(text, this.params.analyzer);
  }

  /**
   * How many docs speak about a concept: tagged with it or naming it in their text. "Live birth"
   * tags four starter entries but is named in dozens; "smoking" tags six and is named in few more.
   */
  conceptMentionCount(id: string): number {
    return this.conceptMentions.get(id) ?? 0;
  }

  /** How many docs carry a concept (directly): rarer concepts are more specific. */
  conceptFrequency(id: string): number {
    return this.byConcept.get(id)?.length ?? 0;
  }

  /**
   * @param query.profileRanked keys of entries whose applicability conditions the couple's profile
   *   meets, most specific first (a third ranked list: vague questions such as "what should we do
   *   next?" need the entries written for this couple, which share few words with the question).
   */
  search(
    query: { text: string; concepts: readonly string[]; profileRanked?: readonly string[] },
    fusion: FusionSettings,
  ): { candidates: Candidate[]; trace: RetrievalTrace } {
    const boosts: WeightedText[] = [];
    for (const c of query.concepts) {
      boosts.push({ text: this.vocabulary.label(c), weight: fusion.conceptExpansionWeight });
      boosts.push({ text: c.replace(/-/g, ' '), weight: fusion.conceptExpansionWeight });
    }
    const lex =
      query.text.trim().length > 0 || boosts.length > 0
        ? this.lexical.search({ text: query.text, boosts }, { k: fusion.candidates }).hits
        : [];

    // Concept retrieval: tagged with the concept (1) or a narrower one (0.6), weighted by
    // specificity. Scores accumulate in a reusable array over the tagged documents only, and a
    // top-k heap selects (a common concept can tag tens of thousands of entries in a large bank).
    const total = Math.max(1, this.docs.size);
    if (this.conceptAcc.length < this.docKeys.length) this.conceptAcc = new Float64Array(this.docKeys.length);
    const acc = this.conceptAcc;
    const touched: number[] = [];
    const add = (list: readonly number[] | undefined, w: number): void => {
      for (const d of list ?? []) {
        if (acc[d] === 0) touched.push(d);
        acc[d]! += w;
      }
    };
    for (const c of query.concepts) {
      const idf = Math.log(1 + total / (1 + this.conceptMentionCount(c)));
      add(this.byConcept.get(c), idf);
      for (const narrower of this.vocabulary.descendants(c)) add(this.byConcept.get(narrower), 0.6 * idf);
    }
    const heap = new TopK(fusion.candidates);
    for (const d of touched) heap.push(acc[d]!, d);
    const conceptRanked: Array<[string, number]> = heap
      .drain()
      .map(({ doc, score }) => [this.docKeys[doc]!, score]);
    for (const d of touched) acc[d] = 0;

    const merged = new Map<string, Candidate>();
    const get = (key: string): Candidate => {
      let c = merged.get(key);
      if (!c) {
        c = {
          doc: this.docs.get(key)!,
          lexical: 0,
          lexicalRank: null,
          concept: 0,
          conceptRank: null,
          fused: 0,
        };
        merged.set(key, c);
      }
      return c;
    };
    lex.forEach((h, i) => {
      const c = get(h.id);
      c.lexical = h.score;
      c.lexicalRank = i + 1;
      c.fused += fusion.weights.lexical / (fusion.rrfK + i + 1);
    });
    conceptRanked.forEach(([key, score], i) => {
      const c = get(key);
      c.concept = score;
      c.conceptRank = i + 1;
      c.fused += fusion.weights.concept / (fusion.rrfK + i + 1);
    });
    (query.profileRanked ?? []).slice(0, fusion.candidates).forEach((key, i) => {
      if (!this.docs.has(key) || fusion.weights.profile === 0) return;
      const c = get(key);
      c.fused += fusion.weights.profile / (fusion.rrfK + i + 1);
    });
    const candidates = [...merged.values()].sort(
      (a, b) => b.fused - a.fused || (a.doc.key < b.doc.key ? -1 : 1),
    );
    return {
      candidates,
      trace: { fusion, lexicalParams: this.lexical.parameters, expandedConcepts: [...query.concepts] },
    };
  }
}
