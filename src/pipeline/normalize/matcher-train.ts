/**
 * @module pipeline/normalize/matcher-train
 * Trains the analyte matcher (`fertility train normalizer`): multinomial logistic regression over
 * hashed features, fitted with seeded AdaGrad SGD in TypeScript (a few thousand short names train
 * in seconds; no native dependency is worth it), L2-regularised, then
 *   1. pruned (small weights dropped, the artifact stays small),
 *   2. calibrated by temperature scaling on the `calib` split (NLL minimised over a grid),
 *   3. given the lowest acceptance threshold (≥ 0.5) at which, on the `valid` split, the full
 *      two-stage naming (lexicon, guard, matcher) makes no wrong analyte,
 * and reports validation metrics and the held-out lab-line metrics (names only; those lines are
 * never trained on). Everything is deterministic for a seed except the `trainedAt` date.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { AnalyteTerminology } from '../../terminology/analytes.js';
import { getTerminology } from '../../terminology/analytes.js';
import { buildExamples, readLabLines, rng, type NameExample } from './matcher-data.js';
import {
  FEATURE_DIMS,
  features,
  MATCHER_FILE,
  MATCHER_FORMAT,
  Matcher,
  NONE,
  setMatcher,
  softmax,
  type MatcherArtifact,
} from './matcher-model.js';
import { analyzeName } from './matcher-text.js';
import { nameAnalyte } from './name-analyte.js';

export interface TrainOptions {
  seed?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Weights with |w| below this are dropped from the artifact. */
  prune?: number;
  /** At most this many weights (largest |w|) are kept per feature. */
  keepPerFeature?: number;
  /** Epochs refitting the kept weights after pruning. */
  refitEpochs?: number;
  variantsPerSynonym?: number;
  /** Where to write the artifact; default models/analyte-matcher.json. Null: do not write. */
  out?: string | null;
  /** Progress lines (to stderr in the CLI). */
  log?: (line: string) => void;
}

export interface TrainReport {
  artifact: MatcherArtifact;
  file: string | null;
  bytes: number;
  examples: number;
  seconds: number;
}

interface Encoded {
  feats: number[];
  y: number;
  ex: NameExample;
}

/** Naming metrics over (name, gold) pairs with the currently loaded matcher. */
export function namingMetrics(
  pairs: Array<{ name: string; gold: string | null; specimen?: string }>,
): Record<string, number> {
  let pos = 0;
  let hit = 0;
  let wrong = 0;
  let negatives = 0;
  let falsePos = 0;
  let unrecognized = 0;
  let lexicon = 0;
  for (const p of pairs) {
    const r = nameAnalyte(p.name, p.specimen ? { specimen: p.specimen } : {});
    if (r.stage === 'lexicon') lexicon++;
    if (p.gold === null) {
      negatives++;
      if (r.analyte !== null) {
        falsePos++;
        wrong++;
      }
    } else {
      pos++;
      if (r.analyte === p.gold) hit++;
      else if (r.analyte === null) unrecognized++;
      else wrong++;
    }
  }
  return {
    lines: pairs.length,
    positives: pos,
    negatives,
    recall: pos ? hit / pos : 1,
    wrongAboveThreshold: wrong,
    falsePositivesOnNegatives: falsePos,
    unrecognizedRate: pos ? unrecognized / pos : 0,
    lexiconShare: pairs.length ? lexicon / pairs.length : 0,
  };
}

function hashExamples(exs: NameExample[], extra: unknown): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(extra));
  for (const e of exs) h.update(`${e.split}\t${e.label ?? ''}\t${e.text}\n`);
  return 'sha256:' + h.digest('hex');
}

/** Train, calibrate, choose the threshold and (unless `out: null`) write the artifact. */
export function trainMatcher(
  opts: TrainOptions = {},
  term: AnalyteTerminology = getTerminology(),
): TrainReport {
  const t0 = performance.now();
  const seed = opts.seed ?? 20260101;
  const epochs = opts.epochs ?? 14;
  const lr = opts.learningRate ?? 0.4;
  const l2 = opts.l2 ?? 1e-5;
  const prune = opts.prune ?? 0.05;
  const keepPerFeature = opts.keepPerFeature ?? 8;
  const refitEpochs = opts.refitEpochs ?? 6;
  const log = opts.log ?? (() => {});
  const examples = buildExamples(term, { seed, variantsPerSynonym: opts.variantsPerSynonym ?? 10 });
  const classes = [
    ...term
      .analytes()
      .map((a) => a.id)
      .sort(),
    NONE,
  ];
  const K = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const enc: Encoded[] = examples.map((ex) => ({
    feats: features(analyzeName(ex.text, term)),
    y: index.get(ex.label ?? NONE)!,
    ex,
  }));
  const train = enc.filter((e) => e.ex.split === 'train');
  const calib = enc.filter((e) => e.ex.split === 'calib');
  log(
    `examples: ${examples.length} (train ${train.length}, calib ${calib.length}, valid ${enc.length - train.length - calib.length}); classes ${K}`,
  );

  // Sparse parameters: only rows for features seen in training exist.
  const W = new Map<number, Float64Array>();
  const G = new Map<number, Float64Array>();
  const bias = new Float64Array(K);
  const gBias = new Float64Array(K).fill(1e-8);
  const row = (m: Map<number, Float64Array>, f: number, init = 0): Float64Array => {
    let r = m.get(f);
    if (!r) {
      r = new Float64Array(K).fill(init);
      m.set(f, r);
    }
    return r;
  };
  const logits = (feats: number[], useW: Map<number, Float64Array>, b: Float64Array): Float64Array => {
    const z = Float64Array.from(b);
    const s = 1 / Math.sqrt(Math.max(1, feats.length));
    for (const f of feats) {
      const w = useW.get(f);
      if (!w) continue;
      for (let k = 0; k < K; k++) z[k]! += w[k]! * s;
    }
    return z;
  };
  const r = rng(seed ^ 0x5eed);
  const order = train.map((_, i) => i);
  const allClasses = Array.from({ length: K }, (_, k) => k);
  /**
   * One AdaGrad epoch over the shuffled training examples; `classesOf(f)` says which weights of
   * feature f may change (all of them while fitting, the kept ones while refitting after pruning;
   * undefined = the feature was pruned away). Returns the mean loss.
   */
  const epoch = (classesOf: (f: number) => readonly number[] | undefined): number => {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let loss = 0;
    for (const oi of order) {
      const e = train[oi]!;
      const p = softmax(logits(e.feats, W, bias), K, 1);
      loss -= Math.log(Math.max(p[e.y]!, 1e-12));
      const s = 1 / Math.sqrt(Math.max(1, e.feats.length));
      for (let k = 0; k < K; k++) {
        const g = p[k]! - (k === e.y ? 1 : 0);
        gBias[k]! += g * g;
        bias[k]! -= (lr * g) / Math.sqrt(gBias[k]!);
      }
      for (const f of e.feats) {
        const ks = classesOf(f);
        if (!ks) continue;
        const w = row(W, f);
        const gg = row(G, f, 1e-8);
        for (const k of ks) {
          const g = (p[k]! - (k === e.y ? 1 : 0)) * s + l2 * w[k]!;
          gg[k]! += g * g;
          w[k]! -= (lr * g) / Math.sqrt(gg[k]!);
        }
      }
    }
    return loss / order.length;
  };
  for (let ep = 0; ep < epochs; ep++) {
    const loss = epoch(() => allClasses);
    log(`epoch ${ep + 1}/${epochs}: mean loss ${loss.toFixed(4)}`);
  }

  // Prune: keep, per feature, its few largest weights; then refit only the kept weights for a
  // few epochs (masked), so the stored sparse model is a fitted model, not a truncated one.
  const mask = new Map<number, number[]>();
  for (const [f, w] of W) {
    const top = Array.from(w, (v, k) => ({ v, k }))
      .filter((x) => Math.abs(x.v) >= prune)
      .sort((a, b) => Math.abs(b.v) - Math.abs(a.v))
      .slice(0, keepPerFeature)
      .map((x) => x.k)
      .sort((a, b) => a - b);
    if (top.length) mask.set(f, top);
  }
  for (const [f, w] of W) {
    const keep = new Set(mask.get(f) ?? []);
    for (let k = 0; k < K; k++) if (!keep.has(k)) w[k] = 0;
    if (!keep.size) W.delete(f);
  }
  for (let ep = 0; ep < refitEpochs; ep++) {
    const loss = epoch((f) => mask.get(f));
    log(`refit ${ep + 1}/${refitEpochs} (sparse): mean loss ${loss.toFixed(4)}`);
  }
  const weights: Record<string, number[]> = {};
  const pruned = new Map<number, Float64Array>();
  let kept = 0;
  for (const [f, ks] of mask) {
    const w = W.get(f)!;
    const flat: number[] = [];
    const dense = new Float64Array(K);
    for (const k of ks) {
      const r4 = Number(w[k]!.toFixed(4));
      flat.push(k, r4);
      dense[k] = r4;
    }
    weights[String(f)] = flat;
    pruned.set(f, dense);
    kept += ks.length;
  }
  const roundedBias = Array.from(bias, (b) => Number(b.toFixed(4)));
  const b = Float64Array.from(roundedBias);
  log(
    `weights kept after pruning at ${prune}, ${keepPerFeature} per feature: ${kept} in ${Object.keys(weights).length} feature rows`,
  );

  // Temperature on the calibration split.
  const calibLogits = calib.map((e) => ({ z: logits(e.feats, pruned, b), y: e.y }));
  let bestT = 1;
  let bestNll = Infinity;
  for (let T = 0.25; T <= 5.0001; T += 0.05) {
    let nll = 0;
    for (const c of calibLogits) nll -= Math.log(Math.max(softmax(c.z, K, T)[c.y]!, 1e-12));
    if (nll < bestNll) {
      bestNll = nll;
      bestT = Number(T.toFixed(2));
    }
  }
  log(
    `temperature ${bestT} (calibration NLL ${(bestNll / Math.max(1, calibLogits.length)).toFixed(4)} over ${calibLogits.length})`,
  );

  const trainingDataHash = hashExamples(examples, {
    seed,
    epochs,
    lr,
    l2,
    prune,
    keepPerFeature,
    refitEpochs,
    dims: FEATURE_DIMS,
    format: MATCHER_FORMAT,
  });
  const artifact: MatcherArtifact = {
    format: MATCHER_FORMAT,
    version: `${MATCHER_FORMAT}.0.0+${trainingDataHash.slice(7, 15)}`,
    trainedAt: new Date().toISOString(),
    seed,
    trainingDataHash,
    terminologyHash: term.hash,
    dims: FEATURE_DIMS,
    classes,
    bias: roundedBias,
    temperature: bestT,
    threshold: 0.5,
    metrics: { validation: {}, heldout: null, training: {} },
    weights,
  };

  // Threshold: lowest t ≥ 0.5 with no wrong analyte on the validation split (full naming).
  const valid = examples.filter((e) => e.split === 'valid').map((e) => ({ name: e.text, gold: e.label }));
  let chosen = 0.99;
  for (let t = 0.5; t <= 0.99 + 1e-9; t += 0.01) {
    artifact.threshold = Number(t.toFixed(2));
    setMatcher(new Matcher(artifact));
    if (namingMetrics(valid).wrongAboveThreshold === 0) {
      chosen = artifact.threshold;
      break;
    }
  }
  artifact.threshold = chosen;
  const matcher = new Matcher(artifact);
  setMatcher(matcher);
  artifact.metrics.validation = namingMetrics(valid);
  artifact.metrics.training = namingMetrics(
    examples.filter((e) => e.split === 'train').map((e) => ({ name: e.text, gold: e.label })),
  );
  const heldout = readLabLines(term).filter((l) => l.split === 'heldout');
  artifact.metrics.heldout = heldout.length
    ? namingMetrics(
        heldout.map((l) => ({
          name: l.name,
          gold: l.analyte,
          ...(l.specimen ? { specimen: l.specimen } : {}),
        })),
      )
    : null;
  log(`threshold ${chosen}; validation ${JSON.stringify(artifact.metrics.validation)}`);
  log(`held-out lab lines (names): ${JSON.stringify(artifact.metrics.heldout)}`);

  const text = JSON.stringify(artifact) + '\n';
  const file = opts.out === null ? null : (opts.out ?? MATCHER_FILE);
  if (file) writeFileSync(file, text);
  return {
    artifact,
    file,
    bytes: Buffer.byteLength(text),
    examples: examples.length,
    seconds: (performance.now() - t0) / 1000,
  };
}
