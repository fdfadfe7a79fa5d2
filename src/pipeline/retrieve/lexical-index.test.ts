import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLexicalIndex, LexicalIndex, SearchIndexError, type ExpandHook } from './lexical-index.js';
import { RetrievalParamsError, type RetrievalParams } from './params.js';
import { analyze } from './tokenize.js';

interface Doc {
  id: string;
  title: string;
  body: string;
}

const PARAMS: RetrievalParams = {
  name: 'test',
  scoring: 'bm25f',
  k1: 1.2,
  fields: { title: { weight: 2, b: 0.5 }, body: { weight: 1, b: 0.75 } },
  analyzer: { mode: 'biomedical', stopWords: 'english', stem: 'porter2' },
  bigrams: null,
  prf: null,
};

function build(docs: Doc[], params: RetrievalParams = PARAMS, expand?: ExpandHook) {
  const index = createLexicalIndex<Doc>({
    id: (d) => d.id,
    fields: [
      { name: 'title', get: (d) => d.title },
      { name: 'body', get: (d) => d.body },
    ],
    params,
    ...(expand !== undefined ? { expand } : {}),
  });
  index.add(docs);
  return index;
}

const DOCS: Doc[] = [
  {
    id: 'amh',
    title: 'Anti-Müllerian hormone and ovarian reserve',
    body: 'AMH of 1.2 ng/mL predicts response to stimulation.',
  },
  {
    id: 'iui',
    title: 'Intrauterine insemination',
    body: 'Stimulated IUI cycles in unexplained infertility.',
  },
  {
    id: 'ivf',
    title: 'In vitro fertilisation',
    body: 'IVF after failed IUI; ovarian stimulation and oocyte retrieval.',
  },
  { id: 'smoke', title: 'Smoking and fertility', body: 'Smoking lowers fertility in women and men.' },
  {
    id: 'tnf',
    title: 'TNF-α in endometriosis',
    body: 'Tumour necrosis factor alpha levels in peritoneal fluid.',
  },
];

/** Brute-force BM25F straight from the formula, to check the index's precomputed impacts. */
function referenceScores(docs: Doc[], query: string, p: RetrievalParams): Map<string, number> {
  const fields = ['title', 'body'] as const;
  const terms = docs.map((d) => fields.map((f) => analyze(d[f], p.analyzer)));
  const n = docs.length;
  const avg = fields.map((_, f) => terms.reduce((s, t) => s + t[f]!.length, 0) / n);
  const qcount = new Map<string, number>();
  for (const t of analyze(query, p.analyzer)) qcount.set(t, (qcount.get(t) ?? 0) + 1);
  const out = new Map<string, number>();
  docs.forEach((d, i) => {
    let score = 0;
    for (const [t, qtf] of qcount) {
      const df = terms.filter((dt) => dt.some((ft) => ft.includes(t))).length;
      if (df === 0) continue;
      const idfOf = (count: number): number => Math.log(1 + (n - count + 0.5) / (count + 0.5));
      if (p.scoring === 'bm25-fields') {
        // A weighted sum of per-field BM25, each field with its own document frequency.
        fields.forEach((f, fi) => {
          const tf = terms[i]![fi]!.filter((x) => x === t).length;
          if (tf === 0) return;
          const dfField = terms.filter((dt) => dt[fi]!.includes(t)).length;
          const { weight, b } = p.fields[f]!;
          const norm = avg[fi]! > 0 ? 1 - b + (b * terms[i]![fi]!.length) / avg[fi]! : 1;
          score += qtf * weight * idfOf(dfField) * (tf / (tf + p.k1 * norm));
        });
        continue;
      }
      const idf = idfOf(df);
      let tfw = 0;
      fields.forEach((f, fi) => {
        const tf = terms[i]![fi]!.filter((x) => x === t).length;
        const { weight, b } = p.fields[f]!;
        const norm = avg[fi]! > 0 ? 1 - b + (b * terms[i]![fi]!.length) / avg[fi]! : 1;
        tfw += (weight * tf) / norm;
      });
      if (tfw > 0) score += qtf * ((idf * tfw) / (tfw + p.k1));
    }
    if (score > 0) out.set(d.id, score);
  });
  return out;
}

describe('LexicalIndex', () => {
  it('ranks by BM25F / multi-field BM25 exactly as the formulas say (property, random corpora)', () => {
    const word = fc.constantFrom(
      'ovary',
      'ovarian',
      'sperm',
      'embryo',
      'the',
      'hormone',
      'amh',
      'ivf',
      'iui',
      'α',
      'test',
    );
    const text = fc.array(word, { maxLength: 12 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: text, body: text }), { minLength: 1, maxLength: 12 }),
        fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
        fc.constantFrom('bm25f' as const, 'bm25-fields' as const),
        (raw, query, scoring) => {
          const docs = raw.map((d, i) => ({ id: `d${i}`, ...d }));
          const params = { ...PARAMS, scoring };
          const index = build(docs, params);
          const want = referenceScores(docs, query, params);
          const got = index.search(query, { k: 100 }).hits;
          expect(got.length).toBe(want.size);
          for (const h of got) expect(h.score).toBeCloseTo(want.get(h.id)!, 4);
          // Best first; ties in document order.
          for (let i = 1; i < got.length; i++)
            expect(got[i - 1]!.score).toBeGreaterThanOrEqual(got[i]!.score);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('finds documents through the biomedical tokenizer', () => {
    const index = build(DOCS);
    expect(index.search('anti-mullerian hormone', { k: 3 }).hits[0]!.id).toBe('amh');
    expect(index.search('ANTI-MÜLLERIAN', { k: 1 }).hits[0]!.id).toBe('amh');
    expect(index.search('tnf alpha', { k: 1 }).hits[0]!.id).toBe('tnf');
    expect(index.search('1.2 ng/ml', { k: 1 }).hits[0]!.id).toBe('amh');
    expect(index.search('smoked', { k: 1 }).hits[0]!.id).toBe('smoke');
  });

  it('records the parameters and the scored terms with every result', () => {
    const index = build(DOCS);
    const r = index.search('IUI stimulation', { k: 5 });
    expect(r.params).toEqual({ ...PARAMS, expansion: false });
    expect(r.terms).toEqual([
      { term: 'iui', weight: 1, origin: 'query' },
      { term: 'stimul', weight: 1, origin: 'query' },
    ]);
    expect(r.hits.map((h) => h.id).sort()).toEqual(['amh', 'iui', 'ivf']);
  });

  it('an empty index returns no hits', () => {
    const index = build([]);
    expect(index.size).toBe(0);
    expect(index.search('anything', { k: 10 }).hits).toEqual([]);
    expect(index.stats().docs).toBe(0);
  });

  it('a query of stop words only, or of unknown words, returns no hits', () => {
    const index = build(DOCS);
    expect(index.search('the of and with', { k: 10 })).toMatchObject({ hits: [], terms: [] });
    expect(index.search('zebra', { k: 10 }).hits).toEqual([]);
    expect(index.search('', { k: 10 }).hits).toEqual([]);
  });

  it('documents whose score is zero are not hits (all weights 0)', () => {
    const zero: RetrievalParams = {
      ...PARAMS,
      fields: { title: { weight: 0, b: 0.5 }, body: { weight: 0, b: 0.5 } },
    };
    const index = build(DOCS, zero);
    expect(index.search('fertility smoking', { k: 10 }).hits).toEqual([]);
  });

  it('handles a 100 KB query', () => {
    const index = build(DOCS);
    const words = ['ovarian', 'reserve', 'hormone', 'zzz', 'the', 'α'];
    let q = '';
    for (let i = 0; q.length < 100_000; i++) q += words[i % words.length] + ' ';
    const r = index.search(q, { k: 3 });
    expect(r.hits[0]!.id).toBe('amh');
    // Repeated words add up instead of multiplying the number of terms.
    expect(r.terms.length).toBe(5);
  });

  it('handles unicode documents and queries', () => {
    const index = build([
      { id: 'fr', title: 'Réserve ovarienne', body: 'Hormone anti-müllérienne (AMH) : 8,57 pmol/l' },
      { id: 'ar', title: 'الخصوبة', body: 'نص عربي' },
      { id: 'emoji', title: '🧬 genetics', body: '' },
    ]);
    expect(index.search('RESERVE OVARIENNE', { k: 1 }).hits[0]!.id).toBe('fr');
    expect(index.search('8.57', { k: 1 }).hits[0]!.id).toBe('fr');
    expect(index.search('الخصوبة', { k: 1 }).hits[0]!.id).toBe('ar');
    expect(index.search('genetics 🧬', { k: 1 }).hits[0]!.id).toBe('emoji');
  });

  it('rejects duplicate ids, within a batch or across batches, adding nothing of that batch', () => {
    const index = build(DOCS);
    expect(() =>
      index.add([
        { id: 'new', title: 'x', body: '' },
        { id: 'new', title: 'y', body: '' },
      ]),
    ).toThrow(/duplicate document id "new"/);
    expect(() =>
      index.add([
        { id: 'zz', title: 'x', body: '' },
        { id: 'amh', title: 'y', body: '' },
      ]),
    ).toThrow(SearchIndexError);
    expect(index.size).toBe(DOCS.length);
    expect(index.search('x', { k: 5 }).hits).toEqual([]);
  });

  it('rejects a document without an id or with a non-text field', () => {
    const index = build([]);
    expect(() => index.add([{ id: '', title: 'x', body: '' }])).toThrow(/has no id/);
    expect(() => index.add([{ id: 'a', title: 42 as unknown as string, body: '' }])).toThrow(
      /field "title" is not a string/,
    );
    expect(index.size).toBe(0);
  });

  it('filters: only accepted ids are hits, k is respected', () => {
    const index = build(DOCS);
    const asked: string[] = [];
    const r = index.search('fertility stimulation IUI IVF ovarian', {
      k: 2,
      filter: (id) => {
        asked.push(id);
        return id !== 'ivf';
      },
    });
    expect(r.hits.length).toBe(2);
    expect(r.hits.map((h) => h.id)).not.toContain('ivf');
    expect(asked).toContain('ivf');
    expect(index.search('IVF', { k: 5, filter: () => false }).hits).toEqual([]);
  });

  it('refuses a search from inside a filter', () => {
    const index = build(DOCS);
    expect(() =>
      index.search('ivf', { k: 1, filter: () => index.search('iui', { k: 1 }).hits.length > 0 }),
    ).toThrow(/inside a search/);
    // and still works afterwards
    expect(index.search('ivf', { k: 1 }).hits[0]!.id).toBe('ivf');
  });

  it('rejects a bad k and bad boosts with a clear message', () => {
    const index = build(DOCS);
    expect(() => index.search('ivf', { k: 0 })).toThrow(/k must be an integer/);
    expect(() => index.search('ivf', { k: 1.5 })).toThrow(/k must be an integer/);
    expect(() => index.search({ text: 'ivf', boosts: [{ text: 'iui', weight: -1 }] }, { k: 1 })).toThrow(
      /weight > 0/,
    );
  });

  it('explains: field scores sum to the score', () => {
    for (const scoring of ['bm25f', 'bm25-fields'] as const) {
      const index = build(DOCS, { ...PARAMS, scoring });
      for (const h of index.search('ovarian stimulation smoking fertility', { k: 5, explain: true }).hits) {
        const sum = Object.values(h.fieldScores!).reduce((s, v) => s + v, 0);
        expect(sum).toBeCloseTo(h.score, 6);
        expect(Object.keys(h.fieldScores!)).toEqual(['title', 'body']);
      }
    }
  });

  it('boosts and the expansion hook add weighted terms analyzed like documents', () => {
    const seen: string[][] = [];
    const hook: ExpandHook = (tokens) => {
      seen.push([...tokens]);
      return tokens.includes('fiv') ? [{ text: 'in vitro fertilisation', weight: 0.5 }] : [];
    };
    const index = build(DOCS, PARAMS, hook);
    const r = index.search('la FIV', { k: 1 });
    expect(seen).toEqual([['la', 'fiv']]);
    expect(r.hits[0]!.id).toBe('ivf');
    expect(r.params.expansion).toBe(true);
    expect(r.terms.filter((t) => t.origin === 'expansion').map((t) => t.term)).toEqual(['vitro', 'fertil']);
    const b = build(DOCS).search({ text: 'hormone', boosts: [{ text: 'smoking', weight: 3 }] }, { k: 1 });
    expect(b.hits[0]!.id).toBe('smoke');
  });

  it('pseudo-relevance feedback adds feedback terms and finds a document sharing no query word', () => {
    const docs: Doc[] = [
      { id: 'a', title: 'oocyte retrieval', body: 'oocyte retrieval under sedation follicle aspiration' },
      { id: 'b', title: 'follicle aspiration', body: 'transvaginal follicle aspiration technique' },
      { id: 'c', title: 'unrelated', body: 'semen analysis reference values' },
    ];
    const prf: RetrievalParams = {
      ...PARAMS,
      prf: { docs: 1, terms: 5, originalWeight: 0.5, maxDocFreqRatio: 1, keepTop: 0 },
    };
    expect(
      build(docs)
        .search('oocyte retrieval', { k: 5 })
        .hits.map((h) => h.id),
    ).toEqual(['a']);
    const r = build(docs, prf).search('oocyte retrieval', { k: 5 });
    expect(r.hits.map((h) => h.id)).toEqual(['a', 'b']);
    expect(r.terms.some((t) => t.origin === 'feedback' && t.term === 'follicl')).toBe(true);
    expect(r.params.prf).toEqual(prf.prf);
  });

  it('feedback with keepTop keeps the first-pass head and ranks the tail below it', () => {
    const docs: Doc[] = [
      { id: 'a', title: 'oocyte retrieval', body: 'oocyte retrieval follicle aspiration' },
      { id: 'a2', title: 'oocyte', body: 'oocyte maturation follicle aspiration aspiration' },
      {
        id: 'b',
        title: 'follicle aspiration',
        body: 'transvaginal follicle aspiration technique aspiration',
      },
      { id: 'c', title: 'unrelated', body: 'semen analysis reference values' },
    ];
    const prf = (keepTop: number): RetrievalParams => ({
      ...PARAMS,
      prf: { docs: 2, terms: 5, originalWeight: 0.3, maxDocFreqRatio: 1, keepTop },
    });
    const plain = build(docs)
      .search('oocyte retrieval', { k: 5 })
      .hits.map((h) => h.id);
    const kept = build(docs, prf(2)).search('oocyte retrieval', { k: 5, explain: true }).hits;
    expect(kept.slice(0, 2).map((h) => h.id)).toEqual(plain.slice(0, 2));
    expect(kept.map((h) => h.id)).toContain('b');
    for (let i = 1; i < kept.length; i++) expect(kept[i - 1]!.score).toBeGreaterThan(kept[i]!.score);
    for (const h of kept) {
      expect(Object.values(h.fieldScores!).reduce((s, v) => s + v, 0)).toBeCloseTo(h.score, 6);
    }
    // keepTop larger than k: the first pass decides everything.
    expect(
      build(docs, prf(10))
        .search('oocyte retrieval', { k: 2 })
        .hits.map((h) => h.id),
    ).toEqual(plain.slice(0, 2));
  });

  it('bigrams rank the phrase above the same words apart', () => {
    const docs: Doc[] = [
      { id: 'apart', title: '', body: 'ovarian function and reserve of the hormone' },
      { id: 'phrase', title: '', body: 'hormone of function and ovarian reserve' },
    ];
    const withBigrams: RetrievalParams = { ...PARAMS, bigrams: { weight: 1, b: 0.5 } };
    const r = build(docs, withBigrams).search('ovarian reserve', { k: 2, explain: true });
    expect(r.hits.map((h) => h.id)).toEqual(['phrase', 'apart']);
    expect(r.hits[0]!.fieldScores!.bigrams).toBeGreaterThan(0);
    expect(r.terms).toContainEqual({ term: 'ovarian reserv', weight: 1, origin: 'proximity' });
  });

  it('reparameterize changes scores but not the analyzer', () => {
    const index = build(DOCS);
    const before = index.search('fertility', { k: 5 }).hits;
    index.reparameterize({ ...PARAMS, k1: 2 });
    const after = index.search('fertility', { k: 5 }).hits;
    expect(after[0]!.score).not.toBeCloseTo(before[0]!.score, 6);
    expect(() => index.reparameterize({ ...PARAMS, analyzer: { ...PARAMS.analyzer, stem: 'none' } })).toThrow(
      /analyzer/,
    );
  });

  it('validates parameters, naming the bad one', () => {
    expect(() => build(DOCS, { ...PARAMS, k1: -1 })).toThrow(RetrievalParamsError);
    expect(() => build(DOCS, { ...PARAMS, fields: { title: { weight: 1, b: 0.5 } } })).toThrow(
      /no entry for field "body"/,
    );
    expect(() =>
      build(DOCS, { ...PARAMS, fields: { ...PARAMS.fields, extra: { weight: 1, b: 0.5 } } }),
    ).toThrow(/"extra"/);
    expect(() =>
      build(DOCS, {
        ...PARAMS,
        prf: { docs: 0, terms: 5, originalWeight: 0.5, maxDocFreqRatio: 1, keepTop: 0 },
      }),
    ).toThrow(/prf.docs/);
  });

  it('reports stats', () => {
    const s = build(DOCS).stats();
    expect(s.docs).toBe(5);
    expect(s.terms).toBeGreaterThan(20);
    expect(s.postings).toBeGreaterThanOrEqual(s.terms);
    expect(s.avgFieldLength.title).toBeGreaterThan(0);
    expect(s.bytes).toBeGreaterThan(0);
    expect(s.params.name).toBe('test');
  });

  describe('serialize and load', () => {
    const config = (params: RetrievalParams = PARAMS) => ({
      id: (d: Doc) => d.id,
      fields: [
        { name: 'title', get: (d: Doc) => d.title },
        { name: 'body', get: (d: Doc) => d.body },
      ],
      params,
    });
    const queries = [
      'anti-mullerian hormone',
      'IUI stimulation',
      'smoking fertility women',
      'tnf α',
      'zebra',
    ];

    it('round-trips: the loaded index answers exactly like the original, and keeps growing', () => {
      for (const params of [PARAMS, { ...PARAMS, bigrams: { weight: 0.5, b: 0.3 } }]) {
        const original = build(DOCS, params);
        const loaded = LexicalIndex.load(original.serialize(), config(params));
        expect(loaded.size).toBe(original.size);
        for (const q of queries)
          expect(loaded.search(q, { k: 10, explain: true })).toEqual(
            original.search(q, { k: 10, explain: true }),
          );
        loaded.add([{ id: 'hys', title: 'Hysteroscopy', body: '' }]);
        expect(loaded.search('hysteroscopy', { k: 1 }).hits[0]!.id).toBe('hys');
        expect(() => loaded.add([{ id: 'amh', title: '', body: '' }])).toThrow(/duplicate/);
      }
    });

    it('round-trips an empty index, and loads with other scoring parameters', () => {
      const empty = LexicalIndex.load(build([]).serialize(), config());
      expect(empty.search('anything', { k: 3 }).hits).toEqual([]);
      empty.add(DOCS);
      expect(empty.search('smoking', { k: 1 }).hits[0]!.id).toBe('smoke');
      const other = { ...PARAMS, k1: 2 };
      const loaded = LexicalIndex.load(build(DOCS).serialize(), config(other));
      expect(loaded.search('fertility', { k: 3 })).toEqual(build(DOCS, other).search('fertility', { k: 3 }));
    });

    it('refuses another analyzer or other fields, naming the difference', () => {
      const bytes = build(DOCS).serialize();
      expect(() =>
        LexicalIndex.load(bytes, config({ ...PARAMS, analyzer: { ...PARAMS.analyzer, stem: 'none' } })),
      ).toThrow(/analyzer/);
      expect(() =>
        LexicalIndex.load(bytes, {
          id: (d: Doc) => d.id,
          fields: [{ name: 'title', get: (d: Doc) => d.title }],
          params: { ...PARAMS, fields: { title: PARAMS.fields.title! } },
        }),
      ).toThrow(/fields/);
    });

    it('rejects damaged bytes with invalid-snapshot, never anything else', () => {
      const bytes = build(DOCS).serialize();
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: bytes.length - 1 }),
          fc.integer({ min: 0, max: 255 }),
          fc.boolean(),
          (at, value, truncate) => {
            const copy = truncate ? bytes.slice(0, at) : bytes.slice();
            if (!truncate) copy[at] = value;
            try {
              const idx = LexicalIndex.load(copy, config());
              // A byte flip in a tf or a field length can still be a valid snapshot: it must search.
              idx.search('ovarian', { k: 3 });
            } catch (e) {
              expect(e).toBeInstanceOf(SearchIndexError);
              expect((e as SearchIndexError).code).toBe('invalid-snapshot');
            }
          },
        ),
        { numRuns: 300 },
      );
      expect(() => LexicalIndex.load(new Uint8Array([1, 2, 3]), config())).toThrow(/too short/);
    });

    it('loads from an unaligned view (a Buffer slice)', () => {
      const bytes = build(DOCS).serialize();
      const shifted = new Uint8Array(bytes.length + 3);
      shifted.set(bytes, 3);
      const view = shifted.subarray(3);
      expect(LexicalIndex.load(view, config()).search('ivf', { k: 1 }).hits[0]!.id).toBe('ivf');
    });
  });

  it('documents added after a search are found by the next search', () => {
    const index = build(DOCS);
    expect(index.search('hysteroscopy', { k: 1 }).hits).toEqual([]);
    index.add([{ id: 'hys', title: 'Hysteroscopy', body: '' }]);
    expect(index.search('hysteroscopy', { k: 1 }).hits[0]!.id).toBe('hys');
  });
});
