/**
 * @module eval/ablation-bm25
 * What each change to the lexical retriever bought, on a BEIR folder's TEST split (SciFact by
 * default): a ladder of configurations, each adding one thing to the one before, from a plain
 * BM25 over title+text to the parameters fitted on the train split by eval/fit-bm25.ts.
 * Nothing here chooses anything: the configurations are fixed in advance and the fitted ones are
 * read from eval/retrieval-params.json, so the test split is only measured, never tuned on.
 *
 *   npm run build && node dist/eval/ablation-bm25.js [--data DIR] [--split test] [--json]
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SHARED_DATA_DIR } from '../src/paths.js';
import { createLexicalIndex } from '../src/pipeline/retrieve/lexical-index.js';
import type { RetrievalParams } from '../src/pipeline/retrieve/params.js';
import {
  FITTED_PARAMS_FILE,
  evaluateRankings,
  loadBeir,
  loadParamsFile,
  type BeirData,
  type BeirDoc,
} from './beir.js';

export interface AblationStep {
  step: string;
  /** `flat`: title and text as one field; `fields`: two fields. */
  layout: 'flat' | 'fields';
  params: RetrievalParams;
}

/** The ladder. Lucene/Pyserini BM25 defaults (k1 0.9, b 0.4) until the fitted step. */
export function ablationSteps(fitted: RetrievalParams): AblationStep[] {
  const flat = (analyzer: RetrievalParams['analyzer'], name: string): RetrievalParams => ({
    name,
    scoring: 'bm25f',
    k1: 0.9,
    fields: { contents: { weight: 1, b: 0.4 } },
    analyzer,
    bigrams: null,
    prf: null,
  });
  const steps: AblationStep[] = [
    {
      step: 'BM25 flat (title+text as one field), k1 0.9 b 0.4; lower-cased letter/digit runs, no stop words, no stemming',
      layout: 'flat',
      params: flat({ mode: 'simple', stopWords: 'none', stem: 'none' }, 'ablation: baseline'),
    },
    {
      step: '+ biomedical tokenizer (NFKC, accents, Greek letters, hyphens joined+split, numbers with units, American spelling) and Lucene stop words',
      layout: 'flat',
      params: flat({ mode: 'biomedical', stopWords: 'lucene', stem: 'none' }, 'ablation: tokenizer'),
    },
    {
      step: '+ Porter2 stemming',
      layout: 'flat',
      params: flat({ mode: 'biomedical', stopWords: 'lucene', stem: 'porter2' }, 'ablation: stemming'),
    },
    {
      step: '+ fields: BM25F over title and text (weights 1, b 0.4 each)',
      layout: 'fields',
      params: {
        name: 'ablation: fields',
        scoring: 'bm25f',
        k1: 0.9,
        fields: { title: { weight: 1, b: 0.4 }, text: { weight: 1, b: 0.4 } },
        analyzer: { mode: 'biomedical', stopWords: 'lucene', stem: 'porter2' },
        bigrams: null,
        prf: null,
      },
    },
    {
      step: '+ parameters fitted on train (k1, b and weight per field, stop-word list, scoring, bigrams), no feedback',
      layout: 'fields',
      params: { ...fitted, name: 'ablation: fitted without feedback', prf: null },
    },
  ];
  if (fitted.prf !== null) {
    steps.push({
      step: '+ pseudo-relevance feedback (RM3, fitted on train) ranking below the first-pass head = the default',
      layout: 'fields',
      params: fitted,
    });
  }
  return steps;
}

export interface AblationRow {
  step: string;
  ndcg10: number;
  recall100: number;
  msPerQuery: number;
}

export function runAblation(
  data: BeirData,
  steps: readonly AblationStep[],
  log?: (s: string) => void,
): AblationRow[] {
  return steps.map((s) => {
    const index = createLexicalIndex<BeirDoc>({
      id: (d) => d.id,
      fields:
        s.layout === 'flat'
          ? [{ name: 'contents', get: (d) => `${d.title}\n${d.text}` }]
          : [
              { name: 'title', get: (d) => d.title },
              { name: 'text', get: (d) => d.text },
            ],
      params: s.params,
    });
    index.add(data.corpus);
    const r = evaluateRankings(data, (t) => index.search(t, { k: 100 }).hits.map((h) => h.id));
    log?.(`${s.params.name}: nDCG@10 ${r.ndcg10.toFixed(4)} R@100 ${r.recall100.toFixed(4)}`);
    return { step: s.step, ndcg10: r.ndcg10, recall100: r.recall100, msPerQuery: r.msPerQuery };
  });
}

/** The rows as a markdown table with the change each step made. */
export function ablationMarkdown(rows: readonly AblationRow[]): string {
  const d = (v: number): string => (v >= 0 ? '+' : '') + v.toFixed(4);
  const out = [
    '| step | nDCG@10 | Δ | Recall@100 | Δ | ms/query |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    out.push(
      `| ${r.step} | ${r.ndcg10.toFixed(4)} | ${prev ? d(r.ndcg10 - prev.ndcg10) : ''} | ${r.recall100.toFixed(4)} | ${prev ? d(r.recall100 - prev.recall100) : ''} | ${r.msPerQuery.toFixed(3)} |`,
    );
  });
  return out.join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: join(SHARED_DATA_DIR, 'scifact') },
      split: { type: 'string', default: 'test' },
      json: { type: 'boolean', default: false },
    },
  });
  const data = loadBeir(values.data, values.split);
  const rows = runAblation(
    data,
    ablationSteps(loadParamsFile(FITTED_PARAMS_FILE)),
    (s) => void process.stderr.write(s + '\n'),
  );
  process.stdout.write(
    values.json
      ? JSON.stringify({ split: values.split, rows }, null, 2) + '\n'
      : ablationMarkdown(rows) + '\n',
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
