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
  weights: { lexical: number; concept: number; dense: number };
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
  private readonly byConcept = new Map<string, string[]>();
  /** Every index term of the bank, to tell which question words the bank never mentions. */
  readonly vocabularyTerms: ReadonlySet<string>;
  private readonly params: RetrievalParams;
  private readonly vocabulary: Vocabulary;

  constructor(snapshot: KnowledgeSnapshot, vocabulary: Vocabulary, params: RetrievalParams = KNOWLEDGE_INDEX_PARAMS) {
    this.vocabulary = vocabulary;
    this.version = snapshot.version;
    this.params = params;
    const docs = new Map<string, KnowledgeDoc>();
    const label = (ids: string[]): string[] => ids.flatMap((id) => [vocabulary.label(id), id.replace(/-/g, ' ')]);
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
      for (const c of d.concepts) {
        const list = this.byConcept.get(c) ?? [];
        list.push(d.key);
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
    for (const d of docs.values()) {
      for (const t of new Set(analyze([d.title, d.statement, d.clinician, ...d.conceptText].join(' \n '), params.analyzer))) {
        df.set(t, (df.get(t) ?? 0) + 1);
      }
    }
    this.docFreq = df;
    this.vocabularyTerms = new Set(df.keys());
  }

  private readonly docFreq: ReadonlyMap<string, number>;

  /** Inverse document frequency of an index term in this bank: log(1 + N / df); 0 when absent. */
  idf(term: string): number {
    const n = this.docFreq.get(term);
    return n ? Math.log(1 + this.docs.size / n) : 0;
  }

  /** Index terms of `text` (the same analysis as the documents). */
  terms(text: string): string[] {
    return analyze(text, this.params.analyzer);
  }

  /** How many docs carry a concept (directly): rarer concepts are more specific. */
  conceptFrequency(id: string): number {
    return this.byConcept.get(id)?.length ?? 0;
  }

  search(
    query: { text: string; concepts: readonly string[] },
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

    // Concept retrieval: tagged with the concept (1) or a narrower one (0.6), weighted by specificity.
    const total = Math.max(1, this.docs.size);
    const conceptScores = new Map<string, number>();
    for (const c of query.concepts) {
      const idf = Math.log(1 + total / (1 + this.conceptFrequency(c)));
      for (const key of this.byConcept.get(c) ?? []) conceptScores.set(key, (conceptScores.get(key) ?? 0) + idf);
      for (const narrower of this.vocabulary.descendants(c)) {
        for (const key of this.byConcept.get(narrower) ?? []) conceptScores.set(key, (conceptScores.get(key) ?? 0) + 0.6 * idf);
      }
    }
    const conceptRanked = [...conceptScores.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, fusion.candidates);

    const merged = new Map<string, Candidate>();
    const get = (key: string): Candidate => {
      let c = merged.get(key);
      if (!c) {
        c = { doc: this.docs.get(key)!, lexical: 0, lexicalRank: null, concept: 0, conceptRank: null, fused: 0 };
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
    const candidates = [...merged.values()].sort((a, b) => b.fused - a.fused || (a.doc.key < b.doc.key ? -1 : 1));
    return {
      candidates,
      trace: { fusion, lexicalParams: this.lexical.parameters, expandedConcepts: [...query.concepts] },
    };
  }
}
