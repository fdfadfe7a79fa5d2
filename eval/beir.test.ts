import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { RetrievalParams } from '../src/pipeline/retrieve/params.js';
import {
  BeirError,
  FITTED_PARAMS_FILE,
  loadBeir,
  loadParamsFile,
  parseCorpus,
  parseQrels,
  parseQueries,
  runBeir,
} from './beir.js';

const PARAMS: RetrievalParams = {
  name: 'test',
  scoring: 'bm25f',
  k1: 0.9,
  fields: { title: { weight: 1, b: 0.4 }, text: { weight: 1, b: 0.4 } },
  analyzer: { mode: 'biomedical', stopWords: 'lucene', stem: 'porter2' },
  bigrams: null,
  prf: null,
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function beirDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'beir-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const CORPUS = [
  { _id: 'd1', title: 'Ovarian reserve', text: 'Anti-Müllerian hormone predicts ovarian response.' },
  { _id: 'd2', title: 'Semen analysis', text: 'WHO reference values for sperm concentration.' },
  { _id: 'd3', title: 'Smoking', text: 'Smoking lowers fertility.' },
]
  .map((d) => JSON.stringify(d))
  .join('\n');
const QUERIES = [
  { _id: 'q1', text: 'AMH and ovarian reserve' },
  { _id: 'q2', text: 'sperm concentration reference' },
  { _id: 'q3', text: 'no judgments for this one' },
]
  .map((q) => JSON.stringify(q))
  .join('\n');

describe('parseQrels', () => {
  it('tolerates CRLF, a header line and blank lines', () => {
    const q = parseQrels(
      'query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\n\r\nq1\td3\t2\r\nq2\td2\t1\r\n',
      'x.tsv',
    );
    expect(q.get('q1')).toEqual(
      new Map([
        ['d1', 1],
        ['d3', 2],
      ]),
    );
    expect(q.get('q2')).toEqual(new Map([['d2', 1]]));
  });

  it('names the file and line of a bad row', () => {
    expect(() => parseQrels('q1\td1\t1\nq2\td2\n', 'x.tsv')).toThrow(
      'x.tsv:2: expected 3 tab-separated columns',
    );
    expect(() => parseQrels('q1\td1\t1\nq2\td2\thigh\n', 'x.tsv')).toThrow(
      'x.tsv:2: score "high" is not a number',
    );
  });

  it('never throws anything but BeirError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          parseQrels(s, 'x.tsv');
        } catch (e) {
          expect(e).toBeInstanceOf(BeirError);
        }
      }),
    );
  });
});

describe('parseCorpus and parseQueries', () => {
  it('read BEIR JSON lines, CRLF and blank lines included', () => {
    const docs = parseCorpus(CORPUS.replace(/\n/g, '\r\n') + '\r\n\r\n', 'corpus.jsonl');
    expect(docs.map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
    expect(parseCorpus('{"_id": 7, "text": "no title"}', 'c').at(0)).toEqual({
      id: '7',
      title: '',
      text: 'no title',
    });
    expect(parseQueries(QUERIES, 'queries.jsonl').get('q2')).toBe('sperm concentration reference');
  });

  it('reject bad lines with file and line number', () => {
    expect(() => parseCorpus('{"_id":"a","text":"x"}\n{oops', 'corpus.jsonl')).toThrow(
      /corpus.jsonl:2: not valid JSON/,
    );
    expect(() => parseCorpus('{"text":"x"}', 'corpus.jsonl')).toThrow(
      'corpus.jsonl:1: "_id" must be a non-empty string',
    );
    expect(() => parseCorpus('{"_id":"a","text":"x"}\n{"_id":"a","text":"y"}', 'c')).toThrow(
      'c:2: duplicate _id "a"',
    );
    expect(() => parseQueries('{"_id":"q","text":5}', 'queries.jsonl')).toThrow(
      'queries.jsonl:1: "text" must be a string',
    );
  });
});

describe('loadBeir', () => {
  it('names the missing file', () => {
    const dir = beirDir({ 'corpus.jsonl': CORPUS, 'queries.jsonl': QUERIES });
    expect(() => loadBeir(dir, 'test')).toThrow(`${join(dir, 'qrels', 'test.tsv')}: missing`);
    const noQueries = beirDir({ 'corpus.jsonl': CORPUS, 'qrels/test.tsv': 'q1\td1\t1\n' });
    expect(() => loadBeir(noQueries)).toThrow(/queries.jsonl: missing/);
    expect(() => loadBeir(join(dir, 'nope'))).toThrow(/not a directory/);
  });

  it('skips judged queries without text and counts judged documents missing from the corpus', () => {
    const dir = beirDir({
      'corpus.jsonl': CORPUS,
      'queries.jsonl': QUERIES,
      'qrels/test.tsv':
        'query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq2\td2\t1\r\nq2\tgone\t1\r\nq9\td3\t1\r\n',
    });
    const data = loadBeir(dir, 'test');
    expect([...data.qrels.keys()]).toEqual(['q1', 'q2']);
    expect(data.skipped).toEqual({ queriesWithoutText: 1, judgedDocsNotInCorpus: 1 });
  });
});

describe('runBeir', () => {
  it('computes the contract fields on a small folder', () => {
    const dir = beirDir({
      'corpus.jsonl': CORPUS,
      'queries.jsonl': QUERIES,
      'qrels/test.tsv': 'query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq2\td2\t1\r\nq2\td3\t1\r\n',
    });
    const r = runBeir(dir, { split: 'test', params: PARAMS });
    expect(r.queries).toBe(2);
    // q1: d1 first → 1. q2: d2 first, d3 (relevant, shares no word) not retrieved:
    // DCG 1, IDCG 1 + 1/log2(3) → 0.6131; recall 1/2.
    expect(r['ndcg@10']).toBeCloseTo((1 + 1 / (1 + 1 / Math.log2(3))) / 2, 6);
    expect(r['recall@100']).toBeCloseTo(0.75, 6);
    expect(r.msPerQuery).toBeGreaterThan(0);
    expect(r.params).toEqual(PARAMS);
    expect(r.docs).toBe(3);
  });
});

describe('loadParamsFile', () => {
  it('reads the committed fitted parameters', () => {
    const p = loadParamsFile(FITTED_PARAMS_FILE);
    expect(p.name).toMatch(/train/);
    expect(Object.keys(p.fields).sort()).toEqual(['text', 'title']);
  });

  it('accepts a bare parameter object and rejects bad ones, naming the file', () => {
    const dir = beirDir({
      'bare.json': JSON.stringify(PARAMS),
      'bad.json': JSON.stringify({ ...PARAMS, k1: -3 }),
      'other.json': '{"hello": 1}',
      'broken.json': '{',
    });
    expect(loadParamsFile(join(dir, 'bare.json'))).toEqual(PARAMS);
    expect(() => loadParamsFile(join(dir, 'bad.json'))).toThrow(/bad.json: k1 must be/);
    expect(() => loadParamsFile(join(dir, 'other.json'))).toThrow(/not a retrieval parameter set/);
    expect(() => loadParamsFile(join(dir, 'broken.json'))).toThrow(/not valid JSON/);
    expect(() => loadParamsFile(join(dir, 'missing.json'))).toThrow(/no such parameters file/);
  });
});
