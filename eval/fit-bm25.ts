/**
 * @module eval/fit-bm25
 * Fit the lexical retriever's parameters on a BEIR folder's TRAIN split only (SciFact by
 * default) and write them, with how they were obtained, to eval/retrieval-params.json.
 * Never reads the test split: the figures reported in docs/retrieval.md are test-split figures
 * of parameters chosen here.
 *
 * Method: coordinate ascent. Starting from Lucene's defaults (k1 0.9, b 0.4, all weights 1, no
 * feedback), each parameter in turn is set to the best value of its grid with the others held;
 * passes repeat until a pass changes nothing. Build-time choices (stop-word list, bigram field)
 * are tried as separate starting points, each with its own index.
 * Objective: nDCG@10 + w × Recall@100 (mean over train queries), so that a gain in early
 * precision is not bought with a loss in recall (the issue targets both). The recall weight w is
 * itself chosen on the train split: 2-fold cross-validation over the train queries (fit on one
 * half, measure the other) for each w of RECALL_WEIGHTS, keeping the w whose held-out figures
 * clear the two targets (nDCG@10 0.70, Recall@100 0.93) by the largest smaller margin.
 *
 *   npm run build && node dist/eval/fit-bm25.js [--data DIR] [--split train] [--out FILE]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SHARED_DATA_DIR, PROJECT_ROOT } from '../src/paths.js';
import type { LexicalIndex } from '../src/pipeline/retrieve/lexical-index.js';
import type { RetrievalParams } from '../src/pipeline/retrieve/params.js';
import { buildBeirIndex, evaluateRankings, loadBeir, type BeirData, type BeirDoc } from './beir.js';

/** The grids searched, one per parameter (recorded in the output). */
export const GRIDS = {
  k1: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.6, 1.8, 2.0, 2.5],
  b: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
  // Up to 8: the previous fit chose 4, the end of its grid.
  titleWeight: [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8],
  scoring: ['bm25f', 'bm25-fields'] as const,
  bigramWeight: [0.02, 0.05, 0.1, 0.2, 0.3, 0.5],
  prf: {
    docs: [1, 2, 3, 4, 5, 8, 10, 15],
    terms: [3, 5, 10, 15, 20, 30, 50, 70, 100],
    originalWeight: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9],
    maxDocFreqRatio: [0.02, 0.05, 0.1, 0.2, 0.5, 1],
    keepTop: [0, 1, 2, 3, 5, 10, 20, 50],
  },
  stopWords: ['lucene', 'english'] as const,
  bigrams: [false, true],
};

export const objectiveText = (recallWeight: number): string =>
  `nDCG@10 + ${recallWeight} × Recall@100 (mean over the split’s judged queries)`;

/** The recall weights tried by the cross-validation; 0.5 (the first) was the fixed weight before. */
export const RECALL_WEIGHTS = [0.5, 1, 2, 4] as const;

/** Issue 7's targets on SciFact; the cross-validation picks the recall weight that clears both best. */
export const TARGETS = { ndcg10: 0.7, recall100: 0.93 } as const;

export interface FitScore {
  objective: number;
  ndcg10: number;
  recall100: number;
}

function evaluate(
  data: BeirData,
  index: LexicalIndex<BeirDoc>,
  params: RetrievalParams,
  recallWeight: number,
): FitScore {
  index.reparameterize(params);
  const r = evaluateRankings(data, (t) => index.search(t, { k: 100 }).hits.map((h) => h.id));
  return { objective: r.ndcg10 + recallWeight * r.recall100, ndcg10: r.ndcg10, recall100: r.recall100 };
}

/** One coordinate: its current value's key, and the candidate parameter sets. */
interface Coordinate {
  name: string;
  candidates: (p: RetrievalParams) => RetrievalParams[];
}

function coordinates(bigrams: boolean): Coordinate[] {
  const withField = (
    p: RetrievalParams,
    f: string,
    patch: Partial<{ weight: number; b: number }>,
  ): RetrievalParams => ({
    ...p,
    fields: { ...p.fields, [f]: { ...p.fields[f]!, ...patch } },
  });
  const prfBase = { docs: 5, terms: 20, originalWeight: 0.8, maxDocFreqRatio: 0.1, keepTop: 10 };
  const coords: Coordinate[] = [
    { name: 'scoring', candidates: (p) => GRIDS.scoring.map((scoring) => ({ ...p, scoring })) },
    { name: 'k1', candidates: (p) => GRIDS.k1.map((k1) => ({ ...p, k1 })) },
    { name: 'title.b', candidates: (p) => GRIDS.b.map((b) => withField(p, 'title', { b })) },
    { name: 'text.b', candidates: (p) => GRIDS.b.map((b) => withField(p, 'text', { b })) },
    {
      name: 'title.weight',
      candidates: (p) => GRIDS.titleWeight.map((weight) => withField(p, 'title', { weight })),
    },
    {
      name: 'prf',
      candidates: (p) => [
        { ...p, prf: null },
        { ...p, prf: p.prf ?? prfBase },
      ],
    },
  ];
  for (const key of ['docs', 'terms', 'originalWeight', 'maxDocFreqRatio', 'keepTop'] as const) {
    coords.push({
      name: `prf.${key}`,
      candidates: (p) =>
        p.prf === null ? [p] : GRIDS.prf[key].map((v) => ({ ...p, prf: { ...p.prf!, [key]: v } })),
    });
  }
  if (bigrams) {
    coords.push({
      name: 'bigrams.weight',
      candidates: (p) => GRIDS.bigramWeight.map((weight) => ({ ...p, bigrams: { ...p.bigrams!, weight } })),
    });
    coords.push({
      name: 'bigrams.b',
      candidates: (p) => GRIDS.b.map((b) => ({ ...p, bigrams: { ...p.bigrams!, b } })),
    });
  }
  return coords;
}

/** Coordinate ascent from `start` on one built index. */
export function coordinateAscent(
  data: BeirData,
  index: LexicalIndex<BeirDoc>,
  start: RetrievalParams,
  log: (line: string) => void,
  recallWeight: number,
): { params: RetrievalParams; score: FitScore; evaluations: number; passes: number } {
  let best = start;
  let bestScore = evaluate(data, index, best, recallWeight);
  let evaluations = 1;
  let passes = 0;
  const key = (p: RetrievalParams): string => JSON.stringify(p);
  const cache = new Map<string, FitScore>([[key(best), bestScore]]);
  for (let changed = true; changed && passes < 10;) {
    changed = false;
    passes++;
    for (const c of coordinates(start.bigrams !== null)) {
      for (const cand of c.candidates(best)) {
        let s = cache.get(key(cand));
        if (s === undefined) {
          s = evaluate(data, index, cand, recallWeight);
          evaluations++;
          cache.set(key(cand), s);
        }
        // Strictly better by a margin, so that noise-level ties keep the simpler earlier value.
        if (s.objective > bestScore.objective + 1e-4) {
          best = cand;
          bestScore = s;
          changed = true;
          log(
            `  ${c.name}: objective ${s.objective.toFixed(4)} (nDCG@10 ${s.ndcg10.toFixed(4)}, R@100 ${s.recall100.toFixed(4)})`,
          );
        }
      }
    }
  }
  index.reparameterize(best);
  return { params: best, score: bestScore, evaluations, passes };
}

/** Lucene's BM25 defaults as used by Pyserini (k1 0.9, b 0.4), our analyzer, both fields weight 1. */
export function startingParams(stopWords: 'lucene' | 'english', bigrams: boolean): RetrievalParams {
  return {
    name: 'fit-start',
    scoring: 'bm25f',
    k1: 0.9,
    fields: { title: { weight: 1, b: 0.4 }, text: { weight: 1, b: 0.4 } },
    analyzer: { mode: 'biomedical', stopWords, stem: 'porter2' },
    bigrams: bigrams ? { weight: 0.1, b: 0.4 } : null,
    prf: null,
  };
}

/** Split the judged queries into `k` folds by position in the qrels file (every k-th query). */
export function folds(data: BeirData, k: number): BeirData[] {
  const entries = [...data.qrels];
  return Array.from({ length: k }, (_, f) => ({
    ...data,
    qrels: new Map(entries.filter((_, i) => i % k === f)),
  }));
}

/** How far held-out figures clear the targets: the smaller of the two margins (negative: one is missed). */
export const targetMargin = (s: { ndcg10: number; recall100: number }): number =>
  Math.min(s.ndcg10 - TARGETS.ndcg10, s.recall100 - TARGETS.recall100);

export interface RecallWeightTrial {
  recallWeight: number;
  /** Mean over the folds of the held-out half's figures. */
  heldOut: { ndcg10: number; recall100: number };
  margin: number;
}

/** The trial with the largest margin; on a tie (within 1e-4), the earlier one (the smaller weight). */
export function pickRecallWeight(trials: readonly RecallWeightTrial[]): RecallWeightTrial {
  let best = trials[0]!;
  for (const t of trials.slice(1)) if (t.margin > best.margin + 1e-4) best = t;
  return best;
}

/**
 * Choose the objective's recall weight on the train split alone: for each weight, fit on one
 * half of the train queries (coordinate ascent from `start`, the same grids) and measure the
 * other half, both ways round. The weight is a choice about what to trade for what, so it is
 * judged on queries the fit did not see, by the criterion the issue sets (both targets met).
 */
export function crossValidateRecallWeight(
  data: BeirData,
  index: LexicalIndex<BeirDoc>,
  start: RetrievalParams,
  weights: readonly number[],
  log: (line: string) => void,
): RecallWeightTrial[] {
  const halves = folds(data, 2);
  return weights.map((recallWeight) => {
    const held: FitScore[] = halves.map((fitOn, f) => {
      const r = coordinateAscent(fitOn, index, start, () => {}, recallWeight);
      return evaluate(halves[1 - f]!, index, r.params, recallWeight);
    });
    const heldOut = {
      ndcg10: (held[0]!.ndcg10 + held[1]!.ndcg10) / 2,
      recall100: (held[0]!.recall100 + held[1]!.recall100) / 2,
    };
    const trial = { recallWeight, heldOut, margin: targetMargin(heldOut) };
    log(
      `  recall weight ${recallWeight}: held-out nDCG@10 ${heldOut.ndcg10.toFixed(4)}, R@100 ${heldOut.recall100.toFixed(4)}, margin ${trial.margin.toFixed(4)}`,
    );
    return trial;
  });
}

/**
 * A build-time feature (the bigram field doubles the index) must earn its cost: the simplest run
 * within SIMPLICITY_MARGIN of the best objective wins.
 */
export const SIMPLICITY_MARGIN = 0.002;

export function pickWinner<R extends { score: FitScore; params: RetrievalParams }>(sortedBestFirst: R[]): R {
  const best = sortedBestFirst[0]!;
  const simple = sortedBestFirst.find((r) => r.params.bigrams === null);
  return simple !== undefined && simple.score.objective >= best.score.objective - SIMPLICITY_MARGIN
    ? simple
    : best;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: join(SHARED_DATA_DIR, 'scifact') },
      split: { type: 'string', default: 'train' },
      out: { type: 'string', default: join(PROJECT_ROOT, 'eval', 'retrieval-params.json') },
    },
  });
  if (values.split === 'test') throw new Error('fit-bm25 never fits on the test split');
  const data = loadBeir(values.data, values.split);
  const qrelsSha = createHash('sha256')
    .update(readFileSync(join(values.data, 'qrels', `${values.split}.tsv`)))
    .digest('hex');
  const log = (line: string): void => void process.stderr.write(line + '\n');
  // The recall weight first, on the default build choice (english stop words, no bigrams).
  log('choosing the recall weight: 2-fold cross-validation on the train queries');
  const cvStart = startingParams('english', false);
  const trials = crossValidateRecallWeight(
    data,
    buildBeirIndex(data.corpus, cvStart).index,
    cvStart,
    RECALL_WEIGHTS,
    log,
  );
  const recallWeight = pickRecallWeight(trials).recallWeight;
  log(`  → recall weight ${recallWeight}`);
  const runs: Array<{
    start: string;
    score: FitScore;
    params: RetrievalParams;
    evaluations: number;
    passes: number;
  }> = [];
  for (const stopWords of GRIDS.stopWords) {
    for (const bigrams of GRIDS.bigrams) {
      const start = startingParams(stopWords, bigrams);
      log(`start: stop words ${stopWords}, bigrams ${bigrams ? 'on' : 'off'}`);
      const { index } = buildBeirIndex(data.corpus, start);
      const r = coordinateAscent(data, index, start, log, recallWeight);
      runs.push({ start: `stopWords=${stopWords} bigrams=${bigrams ? 'on' : 'off'}`, ...r });
      log(
        `  → objective ${r.score.objective.toFixed(4)} after ${r.passes} passes, ${r.evaluations} evaluations`,
      );
    }
  }
  runs.sort((a, b) => b.score.objective - a.score.objective);
  const winner = pickWinner(runs);
  const name = `fitted on ${data.dir.split('/').filter(Boolean).pop()} ${values.split} (eval/fit-bm25.ts)`;
  const record = {
    params: { ...winner.params, name },
    howObtained: {
      script: 'eval/fit-bm25.ts',
      command: 'npm run build && node dist/eval/fit-bm25.js',
      data: `${data.dir.split('/').filter(Boolean).pop()} (BEIR format), split ${values.split}: ${data.qrels.size} queries, ${data.corpus.length} documents`,
      qrelsSha256: qrelsSha,
      method: `coordinate ascent over the grids below, from Lucene defaults, one run per build-time choice; the best run wins, except that the simplest run (no bigram field) wins when within ${SIMPLICITY_MARGIN} of the best objective`,
      objective: objectiveText(recallWeight),
      recallWeightChoice: {
        method:
          'for each weight: coordinate ascent from the stop words=english, no-bigram start on one half of the train queries (every other query), figures on the other half, both ways round; the weight whose mean held-out figures clear both targets by the largest smaller margin wins (ties: the smaller weight)',
        targets: TARGETS,
        trials,
        chosen: recallWeight,
      },
      grids: GRIDS,
      date: new Date().toISOString().slice(0, 10),
    },
    train: winner.score,
    chosenRun: winner.start,
    runs: runs.map((r) => ({
      start: r.start,
      ...r.score,
      passes: r.passes,
      evaluations: r.evaluations,
      params: r.params,
    })),
  };
  writeFileSync(values.out, JSON.stringify(record, null, 2) + '\n');
  log(
    `wrote ${values.out}: train nDCG@10 ${winner.score.ndcg10.toFixed(4)}, R@100 ${winner.score.recall100.toFixed(4)}`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
