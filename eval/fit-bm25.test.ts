import { describe, expect, it } from 'vitest';
import { buildBeirIndex, type BeirData, type BeirDoc } from './beir.js';
import {
  TARGETS,
  crossValidateRecallWeight,
  folds,
  pickRecallWeight,
  startingParams,
  targetMargin,
  type RecallWeightTrial,
} from './fit-bm25.js';

/** A small BEIR set: each query names its document's rare word, so retrieval is easy but not trivial. */
function toyData(): BeirData {
  const words = ['oocyte', 'embryo', 'sperm', 'ovary', 'uterus', 'follicle', 'estradiol', 'progesterone'];
  const corpus: BeirDoc[] = words.map((w, i) => ({
    id: `d${i}`,
    title: `${w} study`,
    text: `A study of the ${w} in fertility care, with outcomes and methods.`,
  }));
  const queries = new Map(words.map((w, i) => [`q${i}`, `what is known about the ${w}`]));
  const qrels = new Map(words.map((_, i) => [`q${i}`, new Map([[`d${i}`, 1]])]));
  return {
    dir: '/toy',
    split: 'train',
    corpus,
    queries,
    qrels,
    skipped: { queriesWithoutText: 0, judgedDocsNotInCorpus: 0 },
  };
}

const trial = (recallWeight: number, ndcg10: number, recall100: number): RecallWeightTrial => ({
  recallWeight,
  heldOut: { ndcg10, recall100 },
  margin: targetMargin({ ndcg10, recall100 }),
});

describe('folds', () => {
  it('partitions the judged queries, every k-th one per fold, and keeps the corpus', () => {
    const data = toyData();
    const [a, b] = folds(data, 2);
    expect([...a!.qrels.keys()]).toEqual(['q0', 'q2', 'q4', 'q6']);
    expect([...b!.qrels.keys()]).toEqual(['q1', 'q3', 'q5', 'q7']);
    expect(a!.corpus).toBe(data.corpus);
    expect(data.qrels.size).toBe(8); // the input is not changed
  });
});

describe('targetMargin', () => {
  it('is the smaller of the two margins over the targets', () => {
    expect(targetMargin({ ndcg10: TARGETS.ndcg10 + 0.01, recall100: TARGETS.recall100 + 0.002 })).toBeCloseTo(
      0.002,
      10,
    );
    expect(targetMargin({ ndcg10: TARGETS.ndcg10 - 0.003, recall100: 0.99 })).toBeCloseTo(-0.003, 10);
  });
});

describe('pickRecallWeight', () => {
  it('takes the weight whose held-out figures clear both targets best', () => {
    // 0.5 is better on nDCG but short on recall; 2 clears both.
    const picked = pickRecallWeight([trial(0.5, 0.72, 0.925), trial(1, 0.715, 0.928), trial(2, 0.71, 0.935)]);
    expect(picked.recallWeight).toBe(2);
  });

  it('keeps the earlier (smaller) weight on a tie within 1e-4', () => {
    const picked = pickRecallWeight([trial(0.5, 0.71, 0.935), trial(1, 0.71, 0.93505)]);
    expect(picked.recallWeight).toBe(0.5);
  });
});

describe('crossValidateRecallWeight', () => {
  it('fits on one half and measures the other, once per weight', () => {
    const data = toyData();
    const start = startingParams('english', false);
    const { index } = buildBeirIndex(data.corpus, start);
    const lines: string[] = [];
    const trials = crossValidateRecallWeight(data, index, start, [0.5, 2], (l) => lines.push(l));
    expect(trials.map((t) => t.recallWeight)).toEqual([0.5, 2]);
    for (const t of trials) {
      // Every query names its document's only rare word: held out, it is still found first.
      expect(t.heldOut.recall100).toBe(1);
      expect(t.heldOut.ndcg10).toBeCloseTo(1, 10);
      expect(t.margin).toBeCloseTo(Math.min(1 - TARGETS.ndcg10, 1 - TARGETS.recall100), 10);
    }
    expect(lines).toHaveLength(2);
  });
});
