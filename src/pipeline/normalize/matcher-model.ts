/**
 * @module pipeline/normalize/matcher-model
 * The learned analyte-name matcher: hashed character n-gram, word and qualifier features
 * (computed from the same name analysis as the lexicon) scored by a multinomial logistic
 * regression whose last class is "none of these". Probabilities are temperature-scaled
 * (calibrated on a held-out split at training time) and the acceptance threshold is stored in the
 * artifact with the metrics that chose it. Weights are stored sparse (pruned) in
 * `models/analyte-matcher.json`, loaded lazily once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MODELS_DIR } from '../../paths.js';
import type { NameAnalysis } from './matcher-text.js';

/** Artifact path. */
export const MATCHER_FILE = join(MODELS_DIR, 'analyte-matcher.json');
/** Format version of the artifact; bump when features or layout change. */
export const MATCHER_FORMAT = 1;
/** Hash space of the features (2^18). */
export const FEATURE_DIMS = 1 << 18;
/** Label of the "none of these" class. */
export const NONE = '__none__';

/** FNV-1a 32-bit hash of a string (feature hashing). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Feature indices of a name analysis (deduplicated, sorted): character 2–4-grams over the joined
 * tokens, word unigrams and bigrams, and one feature per qualifier group (so a qualifier weighs
 * on its own, whatever its spelling).
 */
export function features(analysis: NameAnalysis): number[] {
  const set = new Set<number>();
  const add = (f: string): void => {
    set.add(fnv1a(f) % FEATURE_DIMS);
  };
  // Character 2–4-grams, hashed incrementally: the same value as fnv1a('c' + gram) without
  // building the substrings (this is the matcher's hot loop).
  const text = ' ' + analysis.all.join(' ') + ' ';
  let hc = 0x811c9dc5;
  hc ^= 99; // 'c'
  hc = Math.imul(hc, 0x01000193);
  for (let i = 0; i < text.length; i++) {
    let h = hc;
    for (let k = 0; k < 4 && i + k < text.length; k++) {
      h ^= text.charCodeAt(i + k);
      h = Math.imul(h, 0x01000193);
      if (k >= 1) set.add((h >>> 0) % FEATURE_DIMS);
    }
  }
  const w = analysis.all;
  for (let i = 0; i < w.length; i++) {
    add('w' + w[i]);
    if (i + 1 < w.length) add('b' + w[i] + '_' + w[i + 1]);
  }
  for (const q of analysis.qualifiers) add('q' + q);
  if (w.length === 0) add('empty');
  return [...set].sort((a, b) => a - b);
}

const MetricsSchema = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));

const ArtifactSchema = z.object({
  format: z.literal(MATCHER_FORMAT),
  version: z.string(),
  trainedAt: z.string(),
  seed: z.number(),
  trainingDataHash: z.string(),
  terminologyHash: z.string(),
  dims: z.number().int().positive(),
  classes: z.array(z.string()).min(2),
  bias: z.array(z.number()),
  temperature: z.number().positive(),
  threshold: z.number().min(0).max(1),
  metrics: z.object({
    validation: MetricsSchema,
    heldout: MetricsSchema.nullable(),
    training: MetricsSchema,
  }),
});
export type MatcherArtifact = z.infer<typeof ArtifactSchema> & {
  /** feature index → flat [classIndex, weight, classIndex, weight, …] */
  weights: Record<string, number[]>;
};

/** A loaded matcher: class probabilities for a name analysis. */
export class Matcher {
  readonly artifact: MatcherArtifact;
  readonly classes: readonly string[];
  private readonly rows: Map<number, Float64Array>;
  private readonly noneIndex: number;

  constructor(artifact: MatcherArtifact) {
    this.artifact = artifact;
    this.classes = artifact.classes;
    this.noneIndex = artifact.classes.indexOf(NONE);
    if (this.noneIndex < 0) throw new Error('analyte matcher: no "none of these" class in the artifact');
    if (artifact.bias.length !== artifact.classes.length)
      throw new Error('analyte matcher: bias/classes length mismatch');
    this.rows = new Map();
    for (const [k, flat] of Object.entries(artifact.weights))
      this.rows.set(Number(k), Float64Array.from(flat));
  }

  /** Calibrated class probabilities (same order as `classes`). */
  probabilities(analysis: NameAnalysis): Float64Array {
    const K = this.classes.length;
    const z = Float64Array.from(this.artifact.bias);
    const feats = features(analysis);
    const scale = 1 / Math.sqrt(Math.max(1, feats.length));
    for (const f of feats) {
      const row = this.rows.get(f);
      if (!row) continue;
      for (let j = 0; j < row.length; j += 2) z[row[j]!]! += row[j + 1]! * scale;
    }
    return softmax(z, K, this.artifact.temperature);
  }

  get threshold(): number {
    return this.artifact.threshold;
  }
}

/** Softmax of logits divided by a temperature. */
export function softmax(z: Float64Array, K: number, temperature: number): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (z[k]! / temperature > max) max = z[k]! / temperature;
  const p = new Float64Array(K);
  let sum = 0;
  for (let k = 0; k < K; k++) {
    p[k] = Math.exp(z[k]! / temperature - max);
    sum += p[k]!;
  }
  for (let k = 0; k < K; k++) p[k] = p[k]! / sum;
  return p;
}

/** Parse and validate an artifact (throws with the field on a bad file). */
export function parseMatcherArtifact(text: string, origin = MATCHER_FILE): MatcherArtifact {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${origin}: not valid JSON (${(e as Error).message})`);
  }
  const r = ArtifactSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0]!;
    throw new Error(
      `${origin}: ${first.path.join('.')}: ${first.message} (retrain: fertility train normalizer)`,
    );
  }
  // The weights (tens of thousands of small arrays) are checked by a plain loop: zod per array
  // costs more than the whole model load.
  const weights = (raw as { weights?: unknown }).weights;
  if (!weights || typeof weights !== 'object' || Array.isArray(weights)) {
    throw new Error(`${origin}: weights: expected an object (retrain: fertility train normalizer)`);
  }
  const K = r.data.classes.length;
  for (const [k, row] of Object.entries(weights)) {
    let ok = Array.isArray(row) && row.length % 2 === 0 && String(Number(k)) === k;
    if (ok) {
      const arr = row as unknown[];
      for (let i = 0; i < arr.length && ok; i += 2) {
        const c = arr[i];
        const w = arr[i + 1];
        ok =
          Number.isInteger(c) &&
          (c as number) >= 0 &&
          (c as number) < K &&
          typeof w === 'number' &&
          Number.isFinite(w);
      }
    }
    if (!ok) {
      throw new Error(
        `${origin}: weights.${k}: expected [classIndex, weight, …] (retrain: fertility train normalizer)`,
      );
    }
  }
  return { ...r.data, weights: weights as Record<string, number[]> };
}

let loaded: Matcher | undefined;

/** The matcher from `models/analyte-matcher.json`, loaded on first use. */
export function getMatcher(): Matcher {
  if (!loaded) {
    if (!existsSync(MATCHER_FILE)) {
      throw new Error(
        `${MATCHER_FILE} is missing: run "fertility train normalizer" to build the analyte matcher`,
      );
    }
    loaded = new Matcher(parseMatcherArtifact(readFileSync(MATCHER_FILE, 'utf8')));
  }
  return loaded;
}

/** Replace the loaded matcher (after retraining in the same process, and in tests). */
export function setMatcher(m: Matcher | undefined): void {
  loaded = m;
}

/** Identity of the loaded matcher (caches of namings are valid for one matcher only). */
export function currentMatcherToken(): unknown {
  return loaded;
}
