/**
 * @module pipeline/guard/text-classifier
 * A small binary text classifier for the guards: hashed word unigrams and bigrams and character
 * 3–5-grams of each word (robust to typos, inflection and the six languages' morphology), plus a
 * few dense features the caller supplies, into an L2-regularised logistic regression trained with
 * AdaGrad. Deterministic (fixed seed, fixed epoch order), small (sparse weights), and fast to apply
 * (a few microseconds per question).
 */
import { z } from 'zod';
import { seededRandom } from '../../random.js';
import { foldTokens } from '../../terminology/text.js';

/** Hash space for sparse features (2^18). Collisions are rare at our vocabulary sizes. */
export const DIMS = 1 << 18;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// The guards and the calibrator score the same question: remember the last text's features.
let lastText: string | null = null;
let lastFeatures: number[] = [];

/** Sparse feature indexes of a text (with repeats, so frequent n-grams weigh more). */
export function textFeatures(text: string): number[] {
  if (text === lastText) return lastFeatures;
  lastFeatures = computeTextFeatures(text);
  lastText = text;
  return lastFeatures;
}

// A word's own features (unigram and character n-grams) do not depend on its neighbours: hashed
// once per distinct word, they make a question's features mostly look-ups. Bounded, so that a
// stream of novel words cannot grow it without limit.
const WORD_CACHE_LIMIT = 50_000;
const wordFeatureCache = new Map<string, readonly number[]>();

function wordFeatures(w: string): readonly number[] {
  const known = wordFeatureCache.get(w);
  if (known) return known;
  const out = [fnv1a('w:' + w) % DIMS];
  const padded = `<${w}>`;
  for (let n = 3; n <= 5; n++)
    for (let j = 0; j + n <= padded.length; j++) out.push(fnv1a(`c${n}:` + padded.slice(j, j + n)) % DIMS);
  if (wordFeatureCache.size >= WORD_CACHE_LIMIT) wordFeatureCache.clear();
  wordFeatureCache.set(w, out);
  return out;
}

function computeTextFeatures(text: string): number[] {
  const words = foldTokens(text).slice(0, 400);
  const out: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const own = wordFeatures(w);
    // Same order as ever: the unigram, the bigram with the next word, then the n-grams.
    out.push(own[0]!);
    if (i + 1 < words.length) out.push(fnv1a('b:' + w + ' ' + words[i + 1]) % DIMS);
    for (let k = 1; k < own.length; k++) out.push(own[k]!);
  }
  return out;
}

export interface Example {
  text: string;
  dense: readonly number[];
  label: 0 | 1;
}

/** The serialised model, as stored inside artifacts (guard classifiers, confidence calibrator). */
export const TextClassifierModelSchema = z.strictObject({
  sparse: z.array(z.tuple([z.number().int(), z.number()])),
  dense: z.array(z.number()),
  denseNames: z.array(z.string()),
  bias: z.number(),
  l2: z.number(),
  epochs: z.number().int(),
});

export interface TextClassifierModel {
  /** Sparse weights as [index, weight] pairs (non-zero only). */
  sparse: Array<[number, number]>;
  dense: number[];
  denseNames: string[];
  bias: number;
  /** Per-example sparse features are scaled by 1/sqrt(count) (length normalisation). */
  l2: number;
  epochs: number;
}

export function trainTextClassifier(
  examples: readonly Example[],
  opts: {
    denseNames: string[];
    l2: number;
    epochs: number;
    seed: number;
    learningRate: number;
    positiveWeight?: number;
    /** L2 penalty of the sparse (n-gram) weights when it should differ from `l2` (the dense ones'). */
    sparseL2?: number;
  },
): TextClassifierModel {
  const w = new Float64Array(DIMS);
  const g2 = new Float64Array(DIMS).fill(1e-8);
  const d = opts.denseNames.length;
  const wd = new Float64Array(d);
  const gd = new Float64Array(d).fill(1e-8);
  let b = 0;
  let gb = 1e-8;
  const feats = examples.map((e) => textFeatures(e.text));
  const order = examples.map((_, i) => i);
  const rand = seededRandom(opts.seed);
  const posW = opts.positiveWeight ?? 1;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const i of order) {
      const f = feats[i]!;
      const ex = examples[i]!;
      const scale = f.length ? 1 / Math.sqrt(f.length) : 0;
      let z = b;
      for (const k of f) z += w[k]! * scale;
      for (let k = 0; k < d; k++) z += wd[k]! * ex.dense[k]!;
      const p = 1 / (1 + Math.exp(-z));
      const err = (p - ex.label) * (ex.label === 1 ? posW : 1);
      for (const k of f) {
        const grad = err * scale + (opts.sparseL2 ?? opts.l2) * w[k]!;
        g2[k]! += grad * grad;
        w[k]! -= (opts.learningRate * grad) / Math.sqrt(g2[k]!);
      }
      for (let k = 0; k < d; k++) {
        const grad = err * ex.dense[k]! + opts.l2 * wd[k]!;
        gd[k]! += grad * grad;
        wd[k]! -= (opts.learningRate * grad) / Math.sqrt(gd[k]!);
      }
      gb += err * err;
      b -= (opts.learningRate * err) / Math.sqrt(gb);
    }
  }
  const sparse: Array<[number, number]> = [];
  for (let k = 0; k < DIMS; k++) if (Math.abs(w[k]!) > 1e-4) sparse.push([k, Math.round(w[k]! * 1e5) / 1e5]);
  return { sparse, dense: [...wd], denseNames: opts.denseNames, bias: b, l2: opts.l2, epochs: opts.epochs };
}

/**
 * The average of `runs` classifiers trained like {@link trainTextClassifier} with seeds `seed`,
 * `seed + 1`, …: the order stochastic gradient descent visits the examples in moves single weights,
 * and with them the probabilities of questions near a threshold, from one retraining to the next;
 * the average of a few orders moves much less. (A logistic model's averaged weights give the
 * average logit.)
 */
export function trainAveragedTextClassifier(
  examples: readonly Example[],
  opts: Parameters<typeof trainTextClassifier>[1],
  runs: number,
): TextClassifierModel {
  if (runs <= 1) return trainTextClassifier(examples, opts);
  const sparse = new Map<number, number>();
  const dense = new Array<number>(opts.denseNames.length).fill(0);
  let bias = 0;
  for (let r = 0; r < runs; r++) {
    const m = trainTextClassifier(examples, { ...opts, seed: opts.seed + r });
    for (const [k, v] of m.sparse) sparse.set(k, (sparse.get(k) ?? 0) + v / runs);
    m.dense.forEach((v, j) => (dense[j]! += v / runs));
    bias += m.bias / runs;
  }
  return {
    sparse: [...sparse]
      .filter(([, v]) => Math.abs(v) > 1e-4)
      .sort((a, b) => a[0] - b[0])
      .map(([k, v]) => [k, Math.round(v * 1e5) / 1e5]),
    dense,
    denseNames: opts.denseNames,
    bias,
    l2: opts.l2,
    epochs: opts.epochs,
  };
}

export class TextClassifier {
  // Dense over the hash space (2 MiB): an array read per feature instead of a map look-up.
  private readonly w = new Float64Array(DIMS);
  readonly model: TextClassifierModel;
  constructor(model: TextClassifierModel) {
    this.model = model;
    for (const [k, v] of model.sparse) this.w[k] = v;
  }
  probability(text: string, dense: readonly number[]): number {
    const f = textFeatures(text);
    const scale = f.length ? 1 / Math.sqrt(f.length) : 0;
    let z = this.model.bias;
    for (const k of f) z += this.w[k]! * scale;
    for (let k = 0; k < this.model.dense.length; k++) z += this.model.dense[k]! * (dense[k] ?? 0);
    return 1 / (1 + Math.exp(-z));
  }
}
