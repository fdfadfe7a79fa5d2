/**
 * @module eval/beir
 * Retrieval quality on a BEIR-format folder (contracts §2, `fertility eval beir DIR`):
 * corpus.jsonl (`{_id, title, text}`), queries.jsonl (`{_id, text}`), qrels/<split>.tsv
 * (`query-id TAB corpus-id TAB score`, header line optional, CRLF tolerated). Every judged query
 * that has a text is run through the retriever; nDCG@10 and Recall@100 as BEIR computes them.
 * Also used by the peers benchmark and the parameter fitting, so that all three measure alike.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLexicalIndex, type LexicalIndex } from '../src/pipeline/retrieve/lexical-index.js';
import { PROJECT_ROOT } from '../src/paths.js';
import {
  RetrievalParamsError,
  validateParams,
  type RetrievalParams,
} from '../src/pipeline/retrieve/params.js';
import { mean, ndcgAtK, quantile, recallAtK, type Qrels } from './metrics.js';

/** Bad or missing BEIR files; the message names the file (and line). */
export class BeirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BeirError';
  }
}

export interface BeirDoc {
  id: string;
  title: string;
  text: string;
}

export interface BeirData {
  dir: string;
  split: string;
  corpus: BeirDoc[];
  /** Query id → text, for every query in queries.jsonl. */
  queries: Map<string, string>;
  /** Judgments of the split, restricted to queries that have a text. */
  qrels: Qrels;
  /** Judged queries with no text in queries.jsonl (left out), and judged documents not in the corpus. */
  skipped: { queriesWithoutText: number; judgedDocsNotInCorpus: number };
}

/** Lines of a text file, CRLF or LF, blank lines dropped, with their 1-based numbers. */
function lines(text: string): Array<{ n: number; line: string }> {
  const out: Array<{ n: number; line: string }> = [];
  // A string separator, not a regular expression: V8 keeps the last regex input alive (RegExp.input),
  // which would pin the whole file text in memory and skew the peers benchmark's heap figures.
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length > 0) out.push({ n: i + 1, line });
  });
  return out;
}

function readRequired(dir: string, rel: string): string {
  const path = join(dir, rel);
  if (!existsSync(path))
    throw new BeirError(
      `${path}: missing (a BEIR folder has corpus.jsonl, queries.jsonl and qrels/<split>.tsv)`,
    );
  if (!statSync(path).isFile()) throw new BeirError(`${path}: not a file`);
  return readFileSync(path, 'utf8');
}

function idOf(v: unknown): string | null {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function parseJsonLine(path: string, n: number, line: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    throw new BeirError(`${path}:${n}: not valid JSON (${(e as Error).message})`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new BeirError(`${path}:${n}: expected a JSON object`);
  return v as Record<string, unknown>;
}

/** Parse corpus.jsonl text. */
export function parseCorpus(text: string, path: string): BeirDoc[] {
  const docs: BeirDoc[] = [];
  const seen = new Set<string>();
  for (const { n, line } of lines(text)) {
    const o = parseJsonLine(path, n, line);
    const id = idOf(o._id);
    if (id === null) throw new BeirError(`${path}:${n}: "_id" must be a non-empty string`);
    if (seen.has(id)) throw new BeirError(`${path}:${n}: duplicate _id "${id}"`);
    seen.add(id);
    const title = o.title ?? '';
    const body = o.text ?? '';
    if (typeof title !== 'string') throw new BeirError(`${path}:${n}: "title" must be a string`);
    if (typeof body !== 'string') throw new BeirError(`${path}:${n}: "text" must be a string`);
    docs.push({ id, title, text: body });
  }
  return docs;
}

/** Parse queries.jsonl text. */
export function parseQueries(text: string, path: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const { n, line } of lines(text)) {
    const o = parseJsonLine(path, n, line);
    const id = idOf(o._id);
    if (id === null) throw new BeirError(`${path}:${n}: "_id" must be a non-empty string`);
    if (typeof o.text !== 'string') throw new BeirError(`${path}:${n}: "text" must be a string`);
    if (out.has(id)) throw new BeirError(`${path}:${n}: duplicate _id "${id}"`);
    out.set(id, o.text);
  }
  return out;
}

/** Parse a qrels TSV: `query-id TAB corpus-id TAB score`; a first line whose score is not a number is a header. */
export function parseQrels(text: string, path: string): Qrels {
  const qrels: Qrels = new Map();
  lines(text).forEach(({ n, line }, i) => {
    const cols = line.split('\t').map((c) => c.trim());
    if (cols.length !== 3)
      throw new BeirError(
        `${path}:${n}: expected 3 tab-separated columns (query-id, corpus-id, score), got ${cols.length}`,
      );
    const [q, d, s] = cols as [string, string, string];
    if (!/^-?\d+(\.\d+)?$/.test(s)) {
      if (i === 0) return; // header line
      throw new BeirError(`${path}:${n}: score "${s}" is not a number`);
    }
    if (q.length === 0 || d.length === 0) throw new BeirError(`${path}:${n}: empty query-id or corpus-id`);
    let m = qrels.get(q);
    if (m === undefined) qrels.set(q, (m = new Map()));
    m.set(d, Number(s));
  });
  return qrels;
}

/** Load a BEIR folder for one split (`test` by default); throws BeirError naming a missing or bad file. */
export function loadBeir(dir: string, split = 'test'): BeirData {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BeirError(`${dir}: not a directory`);
  if (!/^[\w.-]+$/.test(split))
    throw new BeirError(`split "${split}": expected a name like test, dev or train`);
  const qrelsRel = join('qrels', `${split}.tsv`);
  // Read the small files first, so that a missing one is reported before a large corpus is parsed.
  const queriesText = readRequired(dir, 'queries.jsonl');
  const qrelsText = readRequired(dir, qrelsRel);
  const corpusText = readRequired(dir, 'corpus.jsonl');
  const queries = parseQueries(queriesText, join(dir, 'queries.jsonl'));
  const allQrels = parseQrels(qrelsText, join(dir, qrelsRel));
  const corpus = parseCorpus(corpusText, join(dir, 'corpus.jsonl'));
  const docIds = new Set(corpus.map((d) => d.id));
  const qrels: Qrels = new Map();
  let queriesWithoutText = 0;
  let judgedDocsNotInCorpus = 0;
  for (const [q, judged] of allQrels) {
    if (!queries.has(q)) {
      queriesWithoutText++;
      continue;
    }
    for (const d of judged.keys()) if (!docIds.has(d)) judgedDocsNotInCorpus++;
    qrels.set(q, judged);
  }
  if (qrels.size === 0)
    throw new BeirError(`${join(dir, qrelsRel)}: no judged query has a text in queries.jsonl`);
  return { dir, split, corpus, queries, qrels, skipped: { queriesWithoutText, judgedDocsNotInCorpus } };
}

/** Build our lexical index over a BEIR corpus with fields `title` and `text`. */
export function buildBeirIndex(
  corpus: readonly BeirDoc[],
  params: RetrievalParams,
): { index: LexicalIndex<BeirDoc>; ms: number } {
  const t0 = performance.now();
  const index = createLexicalIndex<BeirDoc>({
    id: (d) => d.id,
    fields: [
      { name: 'title', get: (d) => d.title },
      { name: 'text', get: (d) => d.text },
    ],
    params,
  });
  index.add(corpus);
  // Compile now, so that build time is not charged to the first query.
  index.stats();
  return { index, ms: performance.now() - t0 };
}

/** A ranking function: query text → document ids, best first. */
export type Ranker = (text: string) => string[];

export interface RankingEvaluation {
  queries: number;
  ndcg10: number;
  recall100: number;
  /** Per query, in qrels order: nDCG@10, Recall@100, milliseconds. */
  perQuery: Array<{ id: string; ndcg10: number; recall100: number; ms: number }>;
  msPerQuery: number;
  p50Ms: number;
  p99Ms: number;
}

/** Run every judged query through `rank` and score the rankings; `progress` is called after each query. */
export function evaluateRankings(
  data: BeirData,
  rank: Ranker,
  progress?: (done: number, total: number) => void,
): RankingEvaluation {
  const perQuery: RankingEvaluation['perQuery'] = [];
  const total = data.qrels.size;
  for (const [q, judged] of data.qrels) {
    const text = data.queries.get(q)!;
    const t0 = performance.now();
    const ranked = rank(text);
    const ms = performance.now() - t0;
    perQuery.push({
      id: q,
      ndcg10: ndcgAtK(ranked, judged, 10),
      recall100: recallAtK(ranked, judged, 100),
      ms,
    });
    progress?.(perQuery.length, total);
  }
  const times = perQuery.map((r) => r.ms);
  return {
    queries: perQuery.length,
    ndcg10: mean(perQuery.map((r) => r.ndcg10)),
    recall100: mean(perQuery.map((r) => r.recall100)),
    perQuery,
    msPerQuery: mean(times),
    p50Ms: quantile(times, 0.5),
    p99Ms: quantile(times, 0.99),
  };
}

/** The `eval beir` report (contracts §2 fields first). */
export interface BeirReport {
  'ndcg@10': number;
  'recall@100': number;
  queries: number;
  msPerQuery: number;
  p50Ms: number;
  p99Ms: number;
  split: string;
  docs: number;
  indexMs: number;
  skipped: BeirData['skipped'];
  params: RetrievalParams;
}

/**
 * A progress bar on stderr: redrawn in place on a terminal; on a pipe, one line per tenth so a
 * log file gets a few lines, not hundreds.
 */
export function stderrProgress(label: string): (done: number, total: number) => void {
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  let lastTenth = -1;
  return (done, total) => {
    if (tty) {
      const now = Date.now();
      if (done !== total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((width * done) / total);
      process.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
      );
      if (done === total) process.stderr.write('\n');
    } else {
      const tenth = Math.floor((10 * done) / total);
      if (tenth !== lastTenth && (tenth > lastTenth || done === total)) {
        lastTenth = tenth;
        process.stderr.write(`${label}: ${done}/${total}\n`);
      }
    }
  };
}

/** Evaluate our retriever on a BEIR folder: load, build the index, run the split's queries. */
export function runBeir(
  dir: string,
  opts: { split: string; params: RetrievalParams; progress?: boolean },
): BeirReport {
  const data = loadBeir(dir, opts.split);
  const { index, ms } = buildBeirIndex(data.corpus, opts.params);
  const progress = opts.progress === true ? stderrProgress(`eval beir ${opts.split}`) : undefined;
  const r = evaluateRankings(data, (text) => index.search(text, { k: 100 }).hits.map((h) => h.id), progress);
  return {
    'ndcg@10': r.ndcg10,
    'recall@100': r.recall100,
    queries: r.queries,
    msPerQuery: r.msPerQuery,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    split: opts.split,
    docs: data.corpus.length,
    indexMs: ms,
    skipped: data.skipped,
    params: opts.params,
  };
}

/** The fitted parameters (eval/fit-bm25.ts writes this file). */
export const FITTED_PARAMS_FILE = join(PROJECT_ROOT, 'eval', 'retrieval-params.json');

/**
 * Read retrieval parameters from a JSON file: either a fit record (`{ "params": {…}, … }` as
 * written by eval/fit-bm25.ts) or a bare parameter object. Checked against fields title/text.
 */
export function loadParamsFile(path: string): RetrievalParams {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BeirError(`${path}: no such parameters file`);
    throw new BeirError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const p = (
    raw !== null && typeof raw === 'object' && 'params' in raw ? (raw as { params: unknown }).params : raw
  ) as RetrievalParams;
  const shapeOk =
    p !== null &&
    typeof p === 'object' &&
    typeof p.name === 'string' &&
    (p.scoring === 'bm25f' || p.scoring === 'bm25-fields') &&
    typeof p.k1 === 'number' &&
    typeof p.fields === 'object' &&
    p.fields !== null &&
    typeof p.analyzer === 'object' &&
    p.analyzer !== null &&
    ['biomedical', 'simple'].includes(p.analyzer.mode) &&
    ['none', 'lucene', 'english'].includes(p.analyzer.stopWords) &&
    ['porter2', 'none'].includes(p.analyzer.stem) &&
    p.bigrams !== undefined &&
    p.prf !== undefined;
  if (!shapeOk) {
    throw new BeirError(
      `${path}: not a retrieval parameter set (needs name, scoring, k1, fields, analyzer, bigrams, prf)`,
    );
  }
  try {
    validateParams(p, ['title', 'text']);
  } catch (e) {
    if (e instanceof RetrievalParamsError) throw new BeirError(`${path}: ${e.message}`);
    throw e;
  }
  return p;
}
